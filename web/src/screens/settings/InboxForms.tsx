import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { t, type MessageKey } from '../../i18n';
import { ColorField } from './SettingsParts';
import {
  MAX_ATTACHMENT_MB,
  REPLY_TIMES,
  randomToken,
  type PreChatField,
  type ReplyTime,
  type WebChatField,
  type WebChatForm,
  type WhatsAppField,
  type WhatsAppForm,
} from './settings_logic';

type Setter<F> = <K extends keyof F>(key: K, value: F[K]) => void;

/** What a block of an inbox form gets: the form, its setter, and the error to show on a field. */
export interface FormPartProps<F, K extends string> {
  form: F;
  set: Setter<F>;
  err: (field: K) => string | undefined;
}

/** The keys of F whose values are text. */
type TextKey<F> = { [P in keyof F]-?: F[P] extends string ? P : never }[keyof F];

/** `value`, `onValue` and `error` of a text control bound to one field of the form. */
function binder<F, K extends string>({ form, set, err }: FormPartProps<F, K>) {
  return <P extends TextKey<F> & K>(key: P) => ({
    value: form[key] as string,
    onValue: (v: string) => set(key, v as F[P]),
    error: err(key),
  });
}

/** One text field of a list of alike fields (Meta's ids, the secrets). */
interface TextSpec<K> {
  key: K;
  label: MessageKey;
  hint: MessageKey;
  optional?: boolean;
}

/** Where the server's messages point for each field ("settings.waba_id must ..."). */
export const WHATSAPP_API_FIELDS: Record<string, WhatsAppField> = {
  name: 'name',
  phone_number_id: 'phone_number_id',
  waba_id: 'waba_id',
  messages_per_second: 'messages_per_second',
  access_token: 'access_token',
  app_secret: 'app_secret',
  verify_token: 'verify_token',
};

export const WEBCHAT_API_FIELDS: Record<string, WebChatField> = {
  name: 'name',
  allowed_domains: 'allowed_domains',
  widget_color: 'widget_color',
  locale: 'locale',
  welcome_title: 'welcome_title',
  welcome_tagline: 'welcome_tagline',
  reply_time: 'reply_time',
  pre_chat_message: 'pre_chat_message',
  pre_chat_fields: 'pre_chat_form_enabled',
  consent_text: 'consent_text',
  offline_message: 'offline_message',
  max_attachment_bytes: 'max_attachment_mb',
  hmac_mandatory: 'hmac_mandatory',
};

const ACCOUNT_FIELDS: TextSpec<'phone_number_id' | 'waba_id' | 'messages_per_second'>[] = [
  { key: 'phone_number_id', label: 'whatsapp.phoneNumberId', hint: 'whatsapp.phoneNumberIdHint' },
  { key: 'waba_id', label: 'whatsapp.wabaId', hint: 'whatsapp.wabaIdHint' },
  { key: 'messages_per_second', label: 'whatsapp.mps', hint: 'whatsapp.mpsHint', optional: true },
];

const SECRET_FIELDS: TextSpec<'access_token' | 'app_secret'>[] = [
  { key: 'access_token', label: 'whatsapp.accessToken', hint: 'whatsapp.accessTokenHint' },
  { key: 'app_secret', label: 'whatsapp.appSecret', hint: 'whatsapp.appSecretHint' },
];

/** The WhatsApp Business account the inbox speaks for (its settings): Meta's numeric ids. */
export function WhatsAppAccountFields(props: FormPartProps<WhatsAppForm, WhatsAppField>) {
  const bind = binder(props);
  return (
    <>
      {ACCOUNT_FIELDS.map((f) => (
        <TextField
          key={f.key}
          label={t(f.label)}
          {...bind(f.key)}
          hint={t(f.hint)}
          inputMode="numeric"
          dir="ltr"
          autoComplete="off"
          required={!f.optional}
          optional={f.optional}
        />
      ))}
    </>
  );
}

/** The three secrets, typed in and never read back. */
export function WhatsAppSecretFields(props: FormPartProps<WhatsAppForm, WhatsAppField>) {
  const bind = binder(props);
  return (
    <>
      {SECRET_FIELDS.map((f) => (
        <TextField key={f.key} label={t(f.label)} type="password" {...bind(f.key)} hint={t(f.hint)} dir="ltr" autoComplete="off" required />
      ))}
      <div class="field-with-action">
        <TextField
          class="grow"
          label={t('whatsapp.verifyToken')}
          {...bind('verify_token')}
          hint={t('whatsapp.verifyTokenHint')}
          dir="ltr"
          autoComplete="off"
          required
        />
        <button type="button" class="btn btn-secondary" onClick={() => props.set('verify_token', randomToken())}>
          <Icon name="reopen" size={16} />
          <span>{t('whatsapp.generate')}</span>
        </button>
      </div>
    </>
  );
}

const REPLY_TIME_KEYS: Record<ReplyTime, 'webchat.replyTime.minutes' | 'webchat.replyTime.hours' | 'webchat.replyTime.day'> = {
  in_a_few_minutes: 'webchat.replyTime.minutes',
  in_a_few_hours: 'webchat.replyTime.hours',
  in_a_day: 'webchat.replyTime.day',
};

const PRECHAT_KEYS: Record<PreChatField['name'], 'field.name' | 'field.email' | 'field.phone'> = {
  name: 'field.name',
  email: 'field.email',
  phone: 'field.phone',
};

/** Everything a Web Chat inbox's widget shows and allows (its settings, but the name). */
export function WebChatFields(props: FormPartProps<WebChatForm, WebChatField>) {
  const { form, set } = props;
  const bind = binder(props);
  const setPreChat = (name: PreChatField['name'], change: Partial<PreChatField>) =>
    set(
      'pre_chat_fields',
      form.pre_chat_fields.map((f) => (f.name === name ? { ...f, ...change } : f)),
    );
  return (
    <>
      <fieldset class="form-group">
        <legend>{t('webchat.website')}</legend>
        <TextAreaField
          label={t('webchat.domains')}
          {...bind('allowed_domains')}
          hint={t('webchat.domainsHint')}
          placeholder={'shop.example\n*.shop.example'}
          dir="ltr"
          rows={3}
          optional
        />
      </fieldset>

      <fieldset class="form-group">
        <legend>{t('webchat.appearance')}</legend>
        <ColorField
          label={t('webchat.color')}
          {...bind('widget_color')}
        />
        <SelectField
          label={t('webchat.locale')}
          value={form.locale}
          hint={t('webchat.localeHint')}
          options={[
            { value: 'en', label: t('lang.en') },
            { value: 'ar', label: t('lang.ar') },
          ]}
          onValue={(v) => set('locale', v)}
        />
        <TextField
          label={t('webchat.welcomeTitle')}
          {...bind('welcome_title')}
          placeholder={t('webchat.welcomeTitlePlaceholder')}
          dir="auto"
          optional
        />
        <TextField
          label={t('webchat.welcomeTagline')}
          {...bind('welcome_tagline')}
          placeholder={t('webchat.welcomeTaglinePlaceholder')}
          dir="auto"
          optional
        />
        <SelectField
          label={t('webchat.replyTime')}
          value={form.reply_time}
          options={REPLY_TIMES.map((r) => ({ value: r, label: t(REPLY_TIME_KEYS[r]) }))}
          onValue={(v) => set('reply_time', v)}
        />
      </fieldset>

      <fieldset class="form-group">
        <legend>{t('webchat.preChat')}</legend>
        <CheckboxField
          label={t('webchat.preChatEnabled')}
          hint={t('webchat.preChatHint')}
          checked={form.pre_chat_form_enabled}
          onChecked={(v) => set('pre_chat_form_enabled', v)}
        />
        {form.pre_chat_form_enabled ? (
          <>
            <TextAreaField
              label={t('webchat.preChatMessage')}
              {...bind('pre_chat_message')}
              rows={2}
              optional
            />
            <table class="table prechat-table">
              <caption class="visually-hidden">{t('webchat.preChatFields')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('webchat.preChatField')}</th>
                  <th scope="col">{t('webchat.preChatAsk')}</th>
                  <th scope="col">{t('webchat.preChatRequired')}</th>
                </tr>
              </thead>
              <tbody>
                {form.pre_chat_fields.map((f) => {
                  const label = t(PRECHAT_KEYS[f.name]);
                  return (
                    <tr key={f.name}>
                      <th scope="row">{label}</th>
                      <td>
                        <input
                          type="checkbox"
                          checked={f.enabled}
                          aria-label={t('webchat.preChatAskLabel', { field: label })}
                          onChange={(e) => setPreChat(f.name, { enabled: e.currentTarget.checked })}
                        />
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          checked={f.enabled && f.required}
                          disabled={!f.enabled}
                          aria-label={t('webchat.preChatRequiredLabel', { field: label })}
                          onChange={(e) => setPreChat(f.name, { required: e.currentTarget.checked })}
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <TextAreaField
              label={t('webchat.consent')}
              {...bind('consent_text')}
              hint={t('webchat.consentHint')}
              rows={2}
              optional
            />
          </>
        ) : null}
      </fieldset>

      <fieldset class="form-group">
        <legend>{t('webchat.behaviour')}</legend>
        <TextAreaField
          label={t('webchat.offlineMessage')}
          {...bind('offline_message')}
          hint={t('webchat.offlineHint')}
          rows={2}
          optional
        />
        <CheckboxField
          label={t('webchat.attachments')}
          checked={form.attachments_enabled}
          onChecked={(v) => set('attachments_enabled', v)}
        />
        {form.attachments_enabled ? (
          <TextField
            label={t('webchat.maxSize')}
            {...bind('max_attachment_mb')}
            hint={t('webchat.maxSizeHint', { max: MAX_ATTACHMENT_MB })}
            inputMode="numeric"
            dir="ltr"
          />
        ) : null}
        <CheckboxField
          label={t('webchat.hmacMandatory')}
          hint={t('webchat.hmacMandatoryHint')}
          checked={form.hmac_mandatory}
          onChecked={(v) => set('hmac_mandatory', v)}
        />
      </fieldset>
    </>
  );
}
