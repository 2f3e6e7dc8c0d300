import { useId, useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { CannedResponse, Id } from '../../api/types';
import { TextAreaField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Card } from '../../components/Layout';
import { t, type MessageKey } from '../../i18n';
import { useLoad } from '../../lib/hooks';
import { isAdmin } from '../../lib/session';
import type { ScreenProps } from '../../routes';
import { ActionsHeader, EditDeleteCell, EditDialogs, ListPage, NewButton, useEditableList } from './SettingsList';
import { DialogFormActions, SaveForm, notice, useSaveForm } from './SettingsParts';
import {
  CANNED_VARIABLES,
  checkCanned,
  filterCanned,
  insertVariable,
  normalizeShortCode,
  unknownVariables,
  type CannedField,
} from './settings_logic';

const CANNED_API_FIELDS: Record<string, CannedField> = { short_code: 'short_code', content: 'content' };

const VARIABLE_KEYS: Record<(typeof CANNED_VARIABLES)[number], MessageKey> = {
  'contact.name': 'canned.var.contactName',
  'contact.email': 'canned.var.contactEmail',
  'contact.phone': 'canned.var.contactPhone',
  'agent.name': 'canned.var.agentName',
};

/**
 * Settings → Canned responses: saved replies agents insert with "/shortcut" in the composer.
 * Everyone can look them up; administrators add, change and delete them (the API's rule).
 */
export function CannedResponsesScreen({ workspace }: ScreenProps) {
  const admin = isAdmin(workspace.role);
  const canned = useLoad(() => api.listCanned(workspace.id), [workspace.id]);
  const list = useEditableList<CannedResponse>({
    setData: canned.setData,
    remove: (c) => api.deleteCanned(workspace.id, c.id),
    deleted: (c) => notice('canned.deleted', { code: `/${c.short_code}` }),
    saved: (c, created) => notice(created ? 'canned.created' : 'canned.saved', { code: `/${c.short_code}` }),
    order: (a, b) => a.short_code.localeCompare(b.short_code),
  });
  const [query, setQuery] = useState('');
  const searchId = useId();
  const all = canned.data?.data ?? [];
  const shown = filterCanned(all, query);

  return (
    <ListPage
      title={t('canned.title')}
      subtitle={t('canned.subtitle')}
      add={admin ? <NewButton label={t('canned.new')} onClick={list.startNew} /> : null}
      status={list.status}
      loaded={canned}
      count={all.length}
      empty={{ icon: 'zap', title: t('canned.emptyTitle'), body: admin ? t('canned.emptyBody') : t('canned.emptyBodyAgent') }}
      note={
        !admin ? (
          <p class="callout callout-info" role="note">
            {t('canned.readOnly')}
          </p>
        ) : null
      }
      after={
        <>
          <Card title={t('canned.variables')} intro={t('canned.variablesIntro')}>
            <dl class="variable-list">
              {CANNED_VARIABLES.map((v) => (
                <div key={v}>
                  <dt>
                    <code dir="ltr">{`{{${v}}}`}</code>
                  </dt>
                  <dd>{t(VARIABLE_KEYS[v])}</dd>
                </div>
              ))}
            </dl>
          </Card>
          {admin ? (
            <EditDialogs
              list={list}
              title={(existing) => (existing ? t('canned.editTitle', { code: `/${existing.short_code}` }) : t('canned.new'))}
              form={(existing) => <CannedForm workspaceId={workspace.id} existing={existing} onClose={list.close} onSaved={list.onSaved} />}
              deleteTitle={(c) => t('canned.deleteTitle', { code: `/${c.short_code}` })}
              deleteBody={t('canned.deleteBody')}
            />
          ) : null}
        </>
      }
    >
      <div class="card-toolbar">
        <div class="search-field">
          <label for={searchId} class="visually-hidden">
            {t('canned.search')}
          </label>
          <Icon name="search" size={16} />
          <input
            id={searchId}
            type="search"
            value={query}
            placeholder={t('canned.searchPlaceholder')}
            onInput={(e) => setQuery(e.currentTarget.value)}
            dir={query ? 'auto' : undefined}
          />
        </div>
        <p class="muted small" role="status" aria-live="polite">
          {query ? t('canned.matches', { n: shown.length }) : t('canned.count', { n: all.length })}
        </p>
      </div>
      {shown.length === 0 ? <p class="muted empty-line">{t('canned.noMatches')}</p> : null}
      {shown.length > 0 ? (
        <div class="table-wrap">
          <table class="table" data-testid="canned">
            <thead>
              <tr>
                <th scope="col">{t('canned.colShortcut')}</th>
                <th scope="col">{t('canned.colContent')}</th>
                {admin ? <ActionsHeader /> : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={String(c.id)}>
                  <td class="nowrap">
                    <code dir="ltr">/{c.short_code}</code>
                  </td>
                  <td>
                    <bdi dir="auto" class="canned-content">
                      {c.content}
                    </bdi>
                  </td>
                  {admin ? (
                    <EditDeleteCell
                      editLabel={t('canned.editLabel', { code: `/${c.short_code}` })}
                      deleteLabel={t('canned.deleteLabel', { code: `/${c.short_code}` })}
                      onEdit={() => list.edit(c)}
                      onDelete={() => list.askDelete(c)}
                    />
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </ListPage>
  );
}

function CannedForm({
  workspaceId,
  existing,
  onClose,
  onSaved,
}: {
  workspaceId: Id;
  existing: CannedResponse | null;
  onClose: () => void;
  onSaved: (c: CannedResponse, created: boolean) => void;
}) {
  const [shortCode, setShortCode] = useState(existing?.short_code ?? '');
  const [content, setContent] = useState(existing?.content ?? '');
  const f = useSaveForm(CANNED_API_FIELDS, { conflictField: 'short_code' });
  const area = useRef<HTMLTextAreaElement | null>(null);
  const unknown = unknownVariables(content);

  function insert(variable: string) {
    const el = area.current;
    const start = el ? el.selectionStart : content.length;
    const end = el ? el.selectionEnd : content.length;
    const next = insertVariable(content, start, end, variable);
    setContent(next.text);
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  }

  const submit = f.submit(
    () => checkCanned({ short_code: shortCode, content }),
    async () => {
      const body = { short_code: normalizeShortCode(shortCode), content: content.trim() };
      const r = existing ? await api.updateCanned(workspaceId, existing.id, body) : await api.createCanned(workspaceId, body);
      onSaved(r.canned_response, !existing);
    },
  );

  return (
    <SaveForm f={f} onSubmit={submit}>
      <TextField
        label={t('canned.shortcut')}
        value={shortCode}
        onValue={setShortCode}
        error={f.err('short_code')}
        hint={t('canned.shortcutHint')}
        placeholder="thanks"
        dir="ltr"
        autoComplete="off"
        required
        autoFocus
      />
      <TextAreaField
        label={t('canned.content')}
        value={content}
        onValue={setContent}
        error={f.err('content')}
        hint={t('canned.contentHint')}
        rows={5}
        inputRef={area}
        required
      />
      <div class="variable-buttons" role="group" aria-label={t('canned.insertVariable')}>
        <span class="muted small" aria-hidden="true">
          {t('canned.insertVariable')}
        </span>
        {CANNED_VARIABLES.map((v) => (
          <button
            key={v}
            type="button"
            class="btn btn-secondary btn-sm"
            aria-label={t('canned.insertLabel', { variable: t(VARIABLE_KEYS[v]) })}
            onClick={() => insert(v)}
          >
            <code dir="ltr">{`{{${v}}}`}</code>
          </button>
        ))}
      </div>
      {unknown.length ? (
        <p class="field-hint field-warning" role="note">
          {t('canned.unknownVariables', { names: unknown.map((u) => `{{${u}}}`).join(', ') })}
        </p>
      ) : null}
      <DialogFormActions busy={f.busy} creating={!existing} onCancel={onClose} />
    </SaveForm>
  );
}
