import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import type { Id, Member } from '../../api/types';
import { ErrorAlert } from '../../components/Alert';
import { Icon } from '../../components/Icon';
import { Presence } from '../../components/Presence';
import { Avatar, SubmitButton } from '../../components/Layout';
import { locale, t, type MessageKey } from '../../i18n';
import { onLinkClick } from '../../lib/router';
import { focusFirstInvalid } from '../../lib/validate';
import { apiFieldError, hasProblems, isHexColor, type Problem, type Problems } from './settings_logic';

/** Words for a field problem found before sending. */
export function problemText(p: Problem): string {
  switch (p) {
    case 'required':
      return t('validation.required');
    case 'tooLong':
      return t('validation.tooLong');
    case 'digits':
      return t('validation.digits');
    case 'color':
      return t('validation.color');
    case 'domain':
      return t('validation.domains');
    case 'range':
      return t('validation.range');
    case 'shortCode':
      return t('validation.shortCode');
    case 'minLength':
      return t('validation.tooShort');
  }
}

/** A failed save split in two: what the server said about one field, and anything else. */
export interface SaveError<K extends string> {
  field: K | null;
  text: string;
  /** Shown above the form when it is not about a field. */
  general: unknown;
}

/**
 * Places a request's failure next to the field it names (see apiFieldError). The text is the
 * server's own message in English; in Arabic a localized sentence carrying the server's (English)
 * detail, as ErrorAlert does.
 */
export function saveError<K extends string>(err: unknown, fields: Record<string, K>, conflictField?: K): SaveError<K> {
  const found = err instanceof ApiError ? apiFieldError(err, fields, conflictField) : null;
  if (!found || !(err instanceof ApiError)) return { field: null, text: '', general: err };
  if (found.kind === 'conflict') return { field: found.field, text: t('validation.duplicate'), general: null };
  const english = locale.get() === 'en' || !/^[\x00-\x7F]*$/.test(err.message);
  return {
    field: found.field,
    text: english ? err.message : t('validation.serverSaid', { detail: err.message }),
    general: null,
  };
}

/** The error to show on `field`: a problem found before sending, else what the server said. */
export function errorFor<K extends string>(field: K, problems: Problems<K>, server: SaveError<K> | null): string | undefined {
  const p = problems[field];
  if (p) return problemText(p);
  return server && server.field === field ? server.text : undefined;
}

/**
 * The submit path every settings form shares: check the fields (problems shown on them, focus on
 * the first), then `busy` while saving, and what the server refuses placed on the field its
 * message names (else above the form, from `general`).
 *
 *   const f = useSaveForm(LABEL_API_FIELDS, { conflictField: 'name' });
 *   <SaveForm f={f} onSubmit={f.submit(() => checkLabel(v), async () => onSaved(await api...))}>
 */
export function useSaveForm<K extends string>(
  apiFields: Record<string, K>,
  options: { conflictField?: K; problemText?: (field: K, problem: Problem) => string } = {},
) {
  const ref = useRef<HTMLFormElement>(null);
  const [problems, setProblems] = useState<Problems<K>>({});
  const [server, setServer] = useState<SaveError<K> | null>(null);
  const [busy, setBusy] = useState(false);
  const describe = options.problemText;
  const err = (field: K): string | undefined => {
    const p = problems[field];
    if (p && describe) return describe(field, p);
    return errorFor(field, problems, server);
  };
  const submit = (check: () => Problems<K>, save: () => Promise<void>) => async (e: Event) => {
    e.preventDefault();
    const found = check();
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(ref.current);
      return;
    }
    setBusy(true);
    try {
      await save();
    } catch (error) {
      setServer(saveError(error, apiFields, options.conflictField));
      focusFirstInvalid(ref.current);
    } finally {
      setBusy(false);
    }
  };
  return { ref, busy, err, general: server?.general ?? null, submit };
}

export type SaveFormState = Pick<ReturnType<typeof useSaveForm>, 'ref' | 'general'>;

/** A settings form: the error the server gave about no field in particular, then the fields. */
export function SaveForm({
  f,
  onSubmit,
  class: cls = 'form',
  testId,
  children,
}: {
  f: SaveFormState;
  onSubmit: (e: Event) => void;
  class?: string;
  testId?: string;
  children: ComponentChildren;
}) {
  return (
    <form ref={f.ref} class={cls} onSubmit={onSubmit} noValidate data-testid={testId}>
      <ErrorAlert error={f.general} />
      {children}
    </form>
  );
}

/** "Save changes" under a form on a page. */
export function SaveButton({ busy, label, busyLabel }: { busy: boolean; label?: string; busyLabel?: string }) {
  return (
    <div>
      <SubmitButton busy={busy} label={label ?? t('common.save')} busyLabel={busyLabel ?? t('common.saving')} />
    </div>
  );
}

/** Cancel and Create / Save at the foot of a dialog's form. */
export function DialogFormActions({ busy, creating, onCancel }: { busy: boolean; creating: boolean; onCancel: () => void }) {
  return (
    <div class="dialog-actions">
      <button type="button" class="btn btn-secondary" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <SubmitButton busy={busy} label={creating ? t('common.create') : t('common.save')} busyLabel={t('common.saving')} />
    </div>
  );
}

/** "← All inboxes": a link back to a list, mirrored in Arabic. */
export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <a class="back-link" href={href} onClick={onLinkClick}>
      <Icon name="back" size={16} class="icon-flip" />
      <span>{label}</span>
    </a>
  );
}

/** A colour as a swatch picker plus its #rrggbb text, both labelled, sharing one error. */
export function ColorField({
  label,
  value,
  onValue,
  error,
  hint,
  presets,
}: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  error?: string;
  hint?: string;
  presets?: readonly string[];
}) {
  const id = useId();
  const hintId = hint && !error ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field color-field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      <div class="color-row">
        <input
          type="color"
          class="color-swatch-input"
          value={isHexColor(value) ? value.toLowerCase() : '#000000'}
          aria-label={t('settings.colorPicker', { label })}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
        <input
          id={id}
          type="text"
          class="mono color-text"
          dir="ltr"
          value={value}
          maxLength={7}
          spellcheck={false}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
        {presets ? (
          <div class="color-presets" role="group" aria-label={t('settings.colorPresets')}>
            {presets.map((c) => (
              <button
                key={c}
                type="button"
                class="color-preset"
                style={{ background: c }}
                aria-label={c}
                aria-pressed={value.toLowerCase() === c}
                onClick={() => onValue(c)}
              />
            ))}
          </div>
        ) : null}
      </div>
      {hintId ? (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The workspace's members as a checkbox list (inbox members, team members). */
export function MemberPicker({
  legend,
  hint,
  members,
  selected,
  onToggle,
  showAvailability,
}: {
  legend: string;
  hint?: string;
  members: Member[];
  selected: readonly Id[];
  onToggle: (id: Id, on: boolean) => void;
  showAvailability?: boolean;
}) {
  const hintId = useId();
  const chosen = new Set(selected.map(String));
  return (
    <fieldset class="member-picker" aria-describedby={hint ? hintId : undefined}>
      <legend>{legend}</legend>
      {hint ? (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {members.length === 0 ? <p class="muted">{t('settings.noMembers')}</p> : null}
      <ul>
        {members.map((m) => {
          const id = `pick-${String(m.user_id)}-${hintId}`;
          return (
            <li key={String(m.user_id)}>
              <input
                id={id}
                type="checkbox"
                checked={chosen.has(String(m.user_id))}
                onChange={(e) => onToggle(m.user_id, e.currentTarget.checked)}
              />
              <label for={id} class="cell-person">
                <Avatar name={m.name} size="sm" />
                <span class="cell-stack">
                  <bdi dir="auto">{m.name}</bdi>
                  <bdi class="muted small" dir="ltr">
                    {m.email}
                  </bdi>
                </span>
              </label>
              {showAvailability ? <Presence availability={m.availability} class="small" /> : null}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** Names of the members with these ids, for a table cell. */
export function memberNames(members: Member[], ids: readonly Id[] | undefined): string[] {
  const want = new Set((ids ?? []).map(String));
  return members.filter((m) => want.has(String(m.user_id))).map((m) => m.name);
}

/**
 * A confirmation to show ("Team “Sales” created."), kept as its key and values so it follows a
 * change of language instead of staying in the one it was made in.
 */
export type Notice = { key: MessageKey; params?: Record<string, string | number> } | null;

export function notice(key: MessageKey, params?: Record<string, string | number>): Notice {
  return { key, params };
}

export function noticeText(n: Notice): string | null {
  return n ? t(n.key, n.params) : null;
}
