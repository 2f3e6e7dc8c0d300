import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { Logo } from '../../components/Icon';
import { locale, setLocale, t } from '../../i18n';

/** The centred card used by set-up, sign-in and invitation pages, with a language toggle. */
export function AuthLayout({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: string;
  children: ComponentChildren;
}) {
  const current = locale.use();
  const other = current === 'ar' ? 'en' : 'ar';
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, current]);
  return (
    <div class="auth-page">
      <div class="auth-top">
        <button type="button" class="btn btn-ghost btn-sm" lang={other} onClick={() => setLocale(other)}>
          {t(other === 'ar' ? 'lang.ar' : 'lang.en')}
        </button>
      </div>
      <main class="auth-main" id="main">
        <div class="auth-brand">
          <Logo size={40} />
          <span class="auth-brand-name">{t('app.name')}</span>
        </div>
        <section class="auth-card" aria-labelledby="auth-title">
          <h1 id="auth-title">{title}</h1>
          {intro ? <p class="auth-intro">{intro}</p> : null}
          {children}
        </section>
        <p class="auth-tagline">{t('app.tagline')}</p>
      </main>
    </div>
  );
}
