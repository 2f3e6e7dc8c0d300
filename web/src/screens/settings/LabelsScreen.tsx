import { useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Id, Label } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { TextAreaField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Card, EmptyState, PageHeader, Spinner, SubmitButton } from '../../components/Layout';
import { t } from '../../i18n';
import { useLoad } from '../../lib/hooks';
import { focusFirstInvalid } from '../../lib/validate';
import type { ScreenProps } from '../../routes';
import { ColorField, errorFor, saveError, type SaveError, notice, noticeText, type Notice } from './SettingsParts';
import { LABEL_COLORS, checkLabel, hasProblems, type LabelField, type Problems } from './settings_logic';

const LABEL_API_FIELDS: Record<string, LabelField> = { name: 'name', color: 'color', description: 'description' };

/** Settings → Labels: the tags agents put on conversations (and filter the inbox by). */
export function LabelsScreen({ workspace }: ScreenProps) {
  const labels = useLoad(() => api.listLabels(workspace.id), [workspace.id]);
  const [status, setStatus] = useState<Notice>(null);
  const [editing, setEditing] = useState<Label | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Label | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const list = labels.data?.data ?? [];
  const existing = editing && editing !== 'new' ? editing : null;

  async function confirmDelete() {
    if (!deleting) return;
    setBusy(true);
    setDeleteError(null);
    try {
      await api.deleteLabel(workspace.id, deleting.id);
      setStatus(notice('labels.deleted', { name: deleting.name }));
      labels.setData((d) => d && { data: d.data.filter((x) => String(x.id) !== String(deleting.id)) });
      setDeleting(null);
    } catch (err) {
      setDeleteError(err);
    } finally {
      setBusy(false);
    }
  }

  const newButton = (
    <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>
      <Icon name="plus" size={18} />
      <span>{t('labels.new')}</span>
    </button>
  );

  return (
    <div class="page">
      <PageHeader title={t('labels.title')} subtitle={t('labels.subtitle')} actions={list.length ? newButton : null} />
      <StatusMessage message={noticeText(status)} />
      <ErrorAlert error={labels.error}>
        <button type="button" class="btn btn-link" onClick={() => void labels.reload()}>
          {t('common.retry')}
        </button>
      </ErrorAlert>
      <Card>
        {labels.loading && !labels.data ? <Spinner /> : null}
        {labels.data && list.length === 0 ? (
          <EmptyState icon="tag" title={t('labels.emptyTitle')} body={t('labels.emptyBody')}>
            {newButton}
          </EmptyState>
        ) : null}
        {list.length > 0 ? (
          <div class="table-wrap">
            <table class="table" data-testid="labels">
              <thead>
                <tr>
                  <th scope="col">{t('labels.colLabel')}</th>
                  <th scope="col" class="hide-sm">
                    {t('labels.colDescription')}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((label) => (
                  <tr key={String(label.id)}>
                    <td>
                      <span class="label-name">
                        <span class="label-dot" style={{ background: label.color ?? undefined }} aria-hidden="true" />
                        <bdi dir="auto">{label.name}</bdi>
                        <span class="visually-hidden">
                          {t('labels.colorIs', { color: label.color ?? '' })}
                        </span>
                      </span>
                    </td>
                    <td class="hide-sm">
                      {label.description ? <bdi dir="auto">{label.description}</bdi> : <span class="muted">{t('common.none')}</span>}
                    </td>
                    <td class="cell-actions">
                      <button
                        type="button"
                        class="btn btn-ghost btn-sm"
                        aria-label={t('labels.editLabel', { name: label.name })}
                        onClick={() => setEditing(label)}
                      >
                        <Icon name="edit" size={16} />
                        <span class="hide-sm">{t('common.edit')}</span>
                      </button>
                      <button
                        type="button"
                        class="btn btn-ghost btn-sm btn-danger-text"
                        aria-label={t('labels.deleteLabel', { name: label.name })}
                        onClick={() => setDeleting(label)}
                      >
                        <Icon name="trash" size={16} />
                        <span class="hide-sm">{t('common.delete')}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>

      <Dialog
        open={editing !== null}
        title={existing ? t('labels.editTitle', { name: existing.name }) : t('labels.new')}
        onClose={() => setEditing(null)}
      >
        <LabelForm
          key={existing ? String(existing.id) : 'new'}
          workspaceId={workspace.id}
          existing={existing}
          onClose={() => setEditing(null)}
          onSaved={(label, created) => {
            setEditing(null);
            setStatus(created ? notice('labels.created', { name: label.name }) : notice('labels.saved', { name: label.name }));
            labels.setData((d) => {
              const all = d?.data ?? [];
              return {
                data: created ? [...all, label] : all.map((x) => (String(x.id) === String(label.id) ? label : x)),
              };
            });
          }}
        />
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? t('labels.deleteTitle', { name: deleting.name }) : ''}
        body={t('labels.deleteBody')}
        confirmLabel={t('common.delete')}
        busy={busy}
        error={<ErrorAlert error={deleteError} />}
        onConfirm={() => void confirmDelete()}
        onCancel={() => {
          setDeleting(null);
          setDeleteError(null);
        }}
      />
    </div>
  );
}

function LabelForm({
  workspaceId,
  existing,
  onClose,
  onSaved,
}: {
  workspaceId: Id;
  existing: Label | null;
  onClose: () => void;
  onSaved: (label: Label, created: boolean) => void;
}) {
  const [name, setName] = useState(existing?.name ?? '');
  const [color, setColor] = useState(existing?.color ?? LABEL_COLORS[0]);
  const [description, setDescription] = useState(existing?.description ?? '');
  const [problems, setProblems] = useState<Problems<LabelField>>({});
  const [server, setServer] = useState<SaveError<LabelField> | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkLabel({ name, color, description });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    const body = { name: name.trim(), color: color.trim().toLowerCase(), description: description.trim() };
    try {
      const r = existing ? await api.updateLabel(workspaceId, existing.id, body) : await api.createLabel(workspaceId, body);
      onSaved(r.label, !existing);
    } catch (err) {
      setServer(saveError(err, LABEL_API_FIELDS, 'name'));
      focusFirstInvalid(form.current);
      setBusy(false);
    }
  }

  return (
    <form ref={form} class="form" onSubmit={submit} noValidate>
      <ErrorAlert error={server?.general ?? null} />
      <TextField
        label={t('labels.name')}
        value={name}
        onValue={setName}
        error={errorFor('name', problems, server)}
        hint={existing ? t('labels.renameHint') : t('labels.nameHint')}
        placeholder={t('labels.namePlaceholder')}
        required
        autoFocus
      />
      <TextAreaField
        label={t('labels.description')}
        value={description}
        onValue={setDescription}
        error={errorFor('description', problems, server)}
        rows={2}
        optional
      />
      <ColorField
        label={t('labels.color')}
        value={color}
        onValue={setColor}
        error={errorFor('color', problems, server)}
        presets={LABEL_COLORS}
      />
      <div class="dialog-actions">
        <button type="button" class="btn btn-secondary" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <SubmitButton busy={busy} label={existing ? t('common.save') : t('common.create')} busyLabel={t('common.saving')} />
      </div>
    </form>
  );
}
