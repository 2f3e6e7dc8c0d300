import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import { Icon } from './Icon';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the selection-based copy.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

/** Copies `text`; says "Copied" (politely announced) for a moment afterwards. */
export function CopyButton({ text, label, describedBy }: { text: string; label?: string; describedBy?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        type="button"
        class="btn btn-secondary"
        aria-label={label}
        aria-describedby={describedBy}
        onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
      >
        <Icon name={state === 'copied' ? 'check' : 'copy'} size={16} />
        <span>{state === 'copied' ? t('common.copied') : t('common.copy')}</span>
      </button>
      <span class="visually-hidden" role="status" aria-live="polite">
        {state === 'copied' ? t('common.copied') : state === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </>
  );
}

/**
 * A read-only secret/link with a copy button, laid out left-to-right in both languages.
 * `multiline` shows it in a text area (code snippets); `hint` is read out with it.
 */
export function CopyField({
  label,
  value,
  id,
  multiline,
  hint,
}: {
  label: string;
  value: string;
  id: string;
  multiline?: boolean;
  hint?: string;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  // The button says "Copy"; its description says what (several copy fields share a page).
  return (
    <div class="copy-field">
      <label for={id} id={`${id}-label`}>
        {label}
      </label>
      <div class={`copy-field-row${multiline ? ' copy-field-multiline' : ''}`}>
        {multiline ? (
          <textarea
            id={id}
            class="mono"
            value={value}
            readOnly
            dir="ltr"
            rows={3}
            aria-describedby={hintId}
            onFocus={(e) => e.currentTarget.select()}
          />
        ) : (
          <input
            id={id}
            class="mono"
            type="text"
            value={value}
            readOnly
            dir="ltr"
            aria-describedby={hintId}
            onFocus={(e) => e.currentTarget.select()}
          />
        )}
        <CopyButton text={value} describedBy={`${id}-label`} />
      </div>
      {hint ? (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
