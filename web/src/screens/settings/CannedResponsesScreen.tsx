import { useId, useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { CannedResponse, Id } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { TextAreaField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Card, EmptyState, PageHeader, Spinner, SubmitButton } from '../../components/Layout';
import { t, type MessageKey } from '../../i18n';
import { useLoad } from '../../lib/hooks';
import { isAdmin } from '../../lib/session';
import { focusFirstInvalid } from '../../lib/validate';
import type { ScreenProps } from '../../routes';
import { errorFor, saveError, type SaveError, notice, noticeText, type Notice } from './SettingsParts';
import {
  CANNED_VARIABLES,
  checkCanned,
  filterCanned,
  hasProblems,
  insertVariable,
  normalizeShortCode,
  unknownVariables,
  type CannedField,
  type Problems,
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
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<Notice>(null);
  const [editing, setEditing] = useState<CannedResponse | 'new' | null>(null);
  const [deleting, setDeleting] = useState<CannedResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const searchId = useId();
  const all = canned.data?.data ?? [];
  const shown = filterCanned(all, query);
  const existing = editing && editing !== 'new' ? editing : null;

  async function confirmDelete() {
    if (!deleting) return;
    setBusy(true);
    setDeleteError(null);
    try {
      await api.deleteCanned(workspace.id, deleting.id);
      setStatus(notice('canned.deleted', { code: `/${deleting.short_code}` }));
      canned.setData((d) => d && { data: d.data.filter((x) => String(x.id) !== String(deleting.id)) });
      setDeleting(null);
    } catch (err) {
      setDeleteError(err);
    } finally {
      setBusy(false);
    }
  }

  const newButton = admin ? (
    <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>
      <Icon name="plus" size={18} />
      <span>{t('canned.new')}</span>
    </button>
  ) : null;

  return (
    <div class="page">
      <PageHeader title={t('canned.title')} subtitle={t('canned.subtitle')} actions={all.length ? newButton : null} />
      <StatusMessage message={noticeText(status)} />
      {!admin ? (
        <p class="callout callout-info" role="note">
          {t('canned.readOnly')}
        </p>
      ) : null}
      <ErrorAlert error={canned.error}>
        <button type="button" class="btn btn-link" onClick={() => void canned.reload()}>
          {t('common.retry')}
        </button>
      </ErrorAlert>
      <Card>
        {canned.loading && !canned.data ? <Spinner /> : null}
        {canned.data && all.length === 0 ? (
          <EmptyState icon="zap" title={t('canned.emptyTitle')} body={admin ? t('canned.emptyBody') : t('canned.emptyBodyAgent')}>
            {newButton}
          </EmptyState>
        ) : null}
        {all.length > 0 ? (
          <>
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
                      {admin ? (
                        <th scope="col">
                          <span class="visually-hidden">{t('common.actions')}</span>
                        </th>
                      ) : null}
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
                          <td class="cell-actions">
                            <button
                              type="button"
                              class="btn btn-ghost btn-sm"
                              aria-label={t('canned.editLabel', { code: `/${c.short_code}` })}
                              onClick={() => setEditing(c)}
                            >
                              <Icon name="edit" size={16} />
                              <span class="hide-sm">{t('common.edit')}</span>
                            </button>
                            <button
                              type="button"
                              class="btn btn-ghost btn-sm btn-danger-text"
                              aria-label={t('canned.deleteLabel', { code: `/${c.short_code}` })}
                              onClick={() => setDeleting(c)}
                            >
                              <Icon name="trash" size={16} />
                              <span class="hide-sm">{t('common.delete')}</span>
                            </button>
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </>
        ) : null}
      </Card>

      <Card>
        <h2 class="card-title">{t('canned.variables')}</h2>
        <p class="muted">{t('canned.variablesIntro')}</p>
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
        <>
          <Dialog
            open={editing !== null}
            title={existing ? t('canned.editTitle', { code: `/${existing.short_code}` }) : t('canned.new')}
            onClose={() => setEditing(null)}
          >
            <CannedForm
              key={existing ? String(existing.id) : 'new'}
              workspaceId={workspace.id}
              existing={existing}
              onClose={() => setEditing(null)}
              onSaved={(c, created) => {
                setEditing(null);
                setStatus(created ? notice('canned.created', { code: `/${c.short_code}` }) : notice('canned.saved', { code: `/${c.short_code}` }));
                canned.setData((d) => {
                  const rest = (d?.data ?? []).filter((x) => String(x.id) !== String(c.id));
                  return { data: [...rest, c].sort((a, b) => a.short_code.localeCompare(b.short_code)) };
                });
              }}
            />
          </Dialog>
          <ConfirmDialog
            open={deleting !== null}
            title={deleting ? t('canned.deleteTitle', { code: `/${deleting.short_code}` }) : ''}
            body={t('canned.deleteBody')}
            confirmLabel={t('common.delete')}
            busy={busy}
            error={<ErrorAlert error={deleteError} />}
            onConfirm={() => void confirmDelete()}
            onCancel={() => {
              setDeleting(null);
              setDeleteError(null);
            }}
          />
        </>
      ) : null}
    </div>
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
  const [problems, setProblems] = useState<Problems<CannedField>>({});
  const [server, setServer] = useState<SaveError<CannedField> | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
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

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkCanned({ short_code: shortCode, content });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    const body = { short_code: normalizeShortCode(shortCode), content: content.trim() };
    try {
      const r = existing ? await api.updateCanned(workspaceId, existing.id, body) : await api.createCanned(workspaceId, body);
      onSaved(r.canned_response, !existing);
    } catch (err) {
      setServer(saveError(err, CANNED_API_FIELDS, 'short_code'));
      focusFirstInvalid(form.current);
      setBusy(false);
    }
  }

  return (
    <form ref={form} class="form" onSubmit={submit} noValidate>
      <ErrorAlert error={server?.general ?? null} />
      <TextField
        label={t('canned.shortcut')}
        value={shortCode}
        onValue={setShortCode}
        error={errorFor('short_code', problems, server)}
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
        error={errorFor('content', problems, server)}
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
      <div class="dialog-actions">
        <button type="button" class="btn btn-secondary" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <SubmitButton busy={busy} label={existing ? t('common.save') : t('common.create')} busyLabel={t('common.saving')} />
      </div>
    </form>
  );
}
