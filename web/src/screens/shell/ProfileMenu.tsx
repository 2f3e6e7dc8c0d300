import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Availability, Id, User } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { Avatar } from '../../components/Layout';
import { availabilityLabel } from '../../components/Presence';
import { LOCALES, locale, normalizeLocale, setLocale, t, type UiLocale } from '../../i18n';
import { AVAILABILITIES, isAvailability } from '../../lib/membership';
import { myAvailability, updateUser } from '../../lib/session';

/**
 * The account button at the foot of the sidebar: the user's availability in this workspace (its
 * dot on the avatar), language and sign-out.
 */
export function ProfileMenu({ user, workspaceId, onSignOut }: { user: User; workspaceId: Id; onSignOut: () => Promise<void> }) {
  const current = locale.use();
  const availability = myAvailability.use();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [signingOut, setSigningOut] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return undefined;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  async function chooseLocale(next: UiLocale) {
    if (next === current) return;
    const previous = current;
    setError(null);
    setLocale(next);
    try {
      await api.updateMe({ locale: next });
      updateUser({ locale: next });
    } catch (err) {
      setLocale(normalizeLocale(previous));
      setError(err);
    }
  }

  async function chooseAvailability(next: Availability) {
    if (next === availability) return;
    const previous = availability;
    setError(null);
    myAvailability.set(next);
    try {
      await api.setAvailability(workspaceId, next);
    } catch (err) {
      myAvailability.set(previous);
      setError(err);
    }
  }

  async function signOut() {
    setSigningOut(true);
    await onSignOut();
  }

  return (
    <div class="profile" ref={root}>
      <button
        ref={button}
        type="button"
        class="profile-button"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={
          availability
            ? t('profile.menuWithAvailability', { name: user.name, availability: availabilityLabel(availability) })
            : t('profile.menu', { name: user.name })
        }
        onClick={() => setOpen((o) => !o)}
      >
        <span class="profile-avatar">
          <Avatar name={user.name} />
          {availability ? (
            <span class={`presence-badge presence-${isAvailability(availability) ? availability : 'offline'}`} data-availability={availability} aria-hidden="true" />
          ) : null}
        </span>
        <span class="profile-text">
          <span class="profile-name" dir="auto">
            {user.name}
          </span>
          <span class="profile-email" dir="ltr">
            {user.email}
          </span>
        </span>
        <Icon name="chevron" size={16} class={open ? 'flip' : undefined} />
      </button>
      {open ? (
        <div class="profile-panel" id={panelId}>
          <ErrorAlert error={error} />
          <fieldset class="profile-section availability-picker" aria-describedby={`${panelId}-availability-hint`}>
            <legend class="profile-heading">
              <Icon name="user" size={16} />
              {t('profile.availability')}
            </legend>
            <div class="availability-options">
              {AVAILABILITIES.map((a) => (
                <label key={a} class={`availability-option presence presence-${a}`}>
                  <input
                    type="radio"
                    class="visually-hidden"
                    name={`${panelId}-availability`}
                    value={a}
                    checked={availability === a}
                    onChange={() => void chooseAvailability(a)}
                  />
                  <span class="presence-dot" aria-hidden="true" />
                  <span>{availabilityLabel(a)}</span>
                </label>
              ))}
            </div>
            <p class="field-hint" id={`${panelId}-availability-hint`}>
              {t('profile.availabilityHint')}
            </p>
          </fieldset>
          <div class="profile-section" role="group" aria-labelledby={`${panelId}-lang`}>
            <p class="profile-heading" id={`${panelId}-lang`}>
              <Icon name="globe" size={16} />
              {t('profile.language')}
            </p>
            <div class="segmented">
              {LOCALES.map((l) => (
                <button
                  key={l}
                  type="button"
                  lang={l}
                  class="segmented-item"
                  aria-pressed={l === current}
                  onClick={() => void chooseLocale(l)}
                >
                  {t(l === 'ar' ? 'lang.ar' : 'lang.en')}
                </button>
              ))}
            </div>
          </div>
          <button type="button" class="profile-item" onClick={() => void signOut()} disabled={signingOut}>
            <Icon name="logout" size={18} />
            <span>{signingOut ? t('profile.signingOut') : t('profile.signOut')}</span>
          </button>
        </div>
      ) : null}
    </div>
  );
}
