import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { t } from '../i18n';
import { Icon } from './Icon';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** "alertdialog" for confirmations. */
  role?: 'dialog' | 'alertdialog';
  size?: 'sm' | 'md';
}

/**
 * A modal built on <dialog>: the browser traps focus, closes on Escape and restores focus to
 * the opener when it closes.
 */
export function Dialog({ open, title, onClose, children, role = 'dialog', size = 'md' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      class={`dialog dialog-${size}`}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      onClose={() => {
        if (open) onClose();
      }}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      {open ? (
        <div class="dialog-inner">
          <header class="dialog-header">
            <h2 id={titleId} dir="auto">
              {title}
            </h2>
            <button type="button" class="btn btn-icon btn-ghost" onClick={onClose} aria-label={t('common.close')}>
              <Icon name="close" size={18} />
            </button>
          </header>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

interface ConfirmProps {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  busy?: boolean;
  error?: ComponentChildren;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog(p: ConfirmProps) {
  return (
    <Dialog open={p.open} title={p.title} onClose={p.onCancel} role="alertdialog" size="sm">
      <p class="dialog-text">{p.body}</p>
      {p.error}
      <div class="dialog-actions">
        <button type="button" class="btn btn-secondary" onClick={p.onCancel} disabled={p.busy}>
          {t('common.cancel')}
        </button>
        <button type="button" class="btn btn-danger" onClick={p.onConfirm} disabled={p.busy}>
          {p.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
