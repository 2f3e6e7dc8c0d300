import { useId } from 'preact/hooks';
import { t } from '../i18n';

interface TextFieldProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'tel';
  name?: string;
  error?: string | null;
  hint?: string;
  required?: boolean;
  optional?: boolean;
  autoComplete?: string;
  placeholder?: string;
  dir?: 'auto' | 'ltr' | 'rtl';
  autoFocus?: boolean;
  disabled?: boolean;
  readOnly?: boolean;
  inputMode?: 'text' | 'email' | 'tel' | 'numeric' | 'decimal' | 'search' | 'url' | 'none';
  minLength?: number;
  maxLength?: number;
  class?: string;
}

/** A labelled input with an optional hint and an error tied to it for screen readers. */
export function TextField(props: TextFieldProps) {
  const id = useId();
  // The error replaces the hint while shown: saying both is noise.
  const hintId = props.hint && !props.error ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}${props.class ? ` ${props.class}` : ''}`}>
      <label for={id}>
        {props.label}
        {props.optional ? <span class="field-optional"> ({t('common.optional')})</span> : null}
      </label>
      <input
        id={id}
        name={props.name}
        // Preact's input typing is a union per `type`; ours is always a plain text-like input.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        required={props.required}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
        autoComplete={props.autoComplete}
        placeholder={props.placeholder}
        // An empty "auto" field would lay its placeholder out by the placeholder's own first
        // letter; until something is typed, follow the page's direction instead.
        dir={props.dir === 'ltr' || props.dir === 'rtl' ? props.dir : props.value ? 'auto' : undefined}
        autoFocus={props.autoFocus}
        disabled={props.disabled}
        readOnly={props.readOnly}
        inputMode={props.inputMode}
        minLength={props.minLength}
        maxLength={props.maxLength}
      />
      {hintId ? (
        <p class="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

interface SelectFieldProps<V extends string> {
  label: string;
  value: V;
  options: { value: V; label: string }[];
  onValue: (value: V) => void;
  hint?: string;
  disabled?: boolean;
  name?: string;
  class?: string;
  hideLabel?: boolean;
}

export function SelectField<V extends string>(props: SelectFieldProps<V>) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class={`field${props.class ? ` ${props.class}` : ''}`}>
      <label for={id} class={props.hideLabel ? 'visually-hidden' : undefined}>
        {props.label}
      </label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        disabled={props.disabled}
        aria-describedby={hintId}
        onChange={(e) => props.onValue(e.currentTarget.value as V)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.hint ? (
        <p class="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

interface TextAreaFieldProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  error?: string | null;
  hint?: string;
  required?: boolean;
  optional?: boolean;
  placeholder?: string;
  dir?: 'auto' | 'ltr' | 'rtl';
  rows?: number;
  maxLength?: number;
  class?: string;
  id?: string;
  /** The textarea itself, for callers that insert at the caret. */
  inputRef?: { current: HTMLTextAreaElement | null };
}

/** A labelled multi-line input, with hint and error tied to it like TextField's. */
export function TextAreaField(props: TextAreaFieldProps) {
  const generated = useId();
  const id = props.id ?? generated;
  const hintId = props.hint && !props.error ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}${props.class ? ` ${props.class}` : ''}`}>
      <label for={id}>
        {props.label}
        {props.optional ? <span class="field-optional"> ({t('common.optional')})</span> : null}
      </label>
      <textarea
        id={id}
        ref={props.inputRef}
        value={props.value}
        rows={props.rows ?? 3}
        onInput={(e) => props.onValue(e.currentTarget.value)}
        required={props.required}
        aria-required={props.required ? 'true' : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
        placeholder={props.placeholder}
        dir={props.dir === 'ltr' || props.dir === 'rtl' ? props.dir : props.value ? 'auto' : undefined}
        maxLength={props.maxLength}
      />
      {hintId ? (
        <p class="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

interface CheckboxFieldProps {
  label: string;
  checked: boolean;
  onChecked: (checked: boolean) => void;
  hint?: string;
  disabled?: boolean;
  class?: string;
}

/** A checkbox with its label beside it (clicking the text toggles it) and an optional hint. */
export function CheckboxField(props: CheckboxFieldProps) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class={`check-field${props.class ? ` ${props.class}` : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={hintId}
        onChange={(e) => props.onChecked(e.currentTarget.checked)}
      />
      <div class="check-text">
        <label for={id}>{props.label}</label>
        {props.hint ? (
          <p class="field-hint" id={hintId}>
            {props.hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}
