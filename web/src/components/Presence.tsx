import { t, type MessageKey } from '../i18n';

/** "Online", "Busy", "Offline" in the UI language (an unknown value is shown as it came). */
export function availabilityLabel(value: string): string {
  return ['online', 'busy', 'offline'].includes(value) ? t(`availability.${value}` as MessageKey) : value;
}

/** A member's availability: a coloured dot and its word. */
export function Presence({ availability, class: cls }: { availability: string; class?: string }) {
  return (
    <span class={`presence presence-${availability}${cls ? ` ${cls}` : ''}`} data-availability={availability}>
      <span class="presence-dot" aria-hidden="true" />
      {availabilityLabel(availability)}
    </span>
  );
}
