import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Id, Label } from '../../api/types';
import { TextAreaField, TextField } from '../../components/Field';
import { t } from '../../i18n';
import { useLoad } from '../../lib/hooks';
import type { ScreenProps } from '../../routes';
import { ActionsHeader, EditDeleteCell, EditDialogs, ListPage, NewButton, useEditableList } from './SettingsList';
import { ColorField, DialogFormActions, SaveForm, notice, useSaveForm } from './SettingsParts';
import { LABEL_COLORS, checkLabel, type LabelField } from './settings_logic';

const LABEL_API_FIELDS: Record<string, LabelField> = { name: 'name', color: 'color', description: 'description' };

/** Settings → Labels: the tags agents put on conversations (and filter the inbox by). */
export function LabelsScreen({ workspace }: ScreenProps) {
  const labels = useLoad(() => api.listLabels(workspace.id), [workspace.id]);
  const list = useEditableList<Label>({
    setData: labels.setData,
    remove: (label) => api.deleteLabel(workspace.id, label.id),
    deleted: (label) => notice('labels.deleted', { name: label.name }),
    saved: (label, created) => notice(created ? 'labels.created' : 'labels.saved', { name: label.name }),
  });
  const all = labels.data?.data ?? [];

  return (
    <ListPage
      title={t('labels.title')}
      subtitle={t('labels.subtitle')}
      add={<NewButton label={t('labels.new')} onClick={list.startNew} />}
      status={list.status}
      loaded={labels}
      count={all.length}
      empty={{ icon: 'tag', title: t('labels.emptyTitle'), body: t('labels.emptyBody') }}
      after={
        <EditDialogs
          list={list}
          title={(existing) => (existing ? t('labels.editTitle', { name: existing.name }) : t('labels.new'))}
          form={(existing) => <LabelForm workspaceId={workspace.id} existing={existing} onClose={list.close} onSaved={list.onSaved} />}
          deleteTitle={(label) => t('labels.deleteTitle', { name: label.name })}
          deleteBody={t('labels.deleteBody')}
        />
      }
    >
      <div class="table-wrap">
        <table class="table" data-testid="labels">
          <thead>
            <tr>
              <th scope="col">{t('labels.colLabel')}</th>
              <th scope="col" class="hide-sm">
                {t('labels.colDescription')}
              </th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {all.map((label) => (
              <tr key={String(label.id)}>
                <td>
                  <span class="label-name">
                    <span class="label-dot" style={{ background: label.color ?? undefined }} aria-hidden="true" />
                    <bdi dir="auto">{label.name}</bdi>
                    <span class="visually-hidden">{t('labels.colorIs', { color: label.color ?? '' })}</span>
                  </span>
                </td>
                <td class="hide-sm">
                  {label.description ? <bdi dir="auto">{label.description}</bdi> : <span class="muted">{t('common.none')}</span>}
                </td>
                <EditDeleteCell
                  editLabel={t('labels.editLabel', { name: label.name })}
                  deleteLabel={t('labels.deleteLabel', { name: label.name })}
                  onEdit={() => list.edit(label)}
                  onDelete={() => list.askDelete(label)}
                />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ListPage>
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
  const f = useSaveForm(LABEL_API_FIELDS, { conflictField: 'name' });

  const submit = f.submit(
    () => checkLabel({ name, color, description }),
    async () => {
      const body = { name: name.trim(), color: color.trim().toLowerCase(), description: description.trim() };
      const r = existing ? await api.updateLabel(workspaceId, existing.id, body) : await api.createLabel(workspaceId, body);
      onSaved(r.label, !existing);
    },
  );

  return (
    <SaveForm f={f} onSubmit={submit}>
      <TextField
        label={t('labels.name')}
        value={name}
        onValue={setName}
        error={f.err('name')}
        hint={existing ? t('labels.renameHint') : t('labels.nameHint')}
        placeholder={t('labels.namePlaceholder')}
        required
        autoFocus
      />
      <TextAreaField label={t('labels.description')} value={description} onValue={setDescription} error={f.err('description')} rows={2} optional />
      <ColorField label={t('labels.color')} value={color} onValue={setColor} error={f.err('color')} presets={LABEL_COLORS} />
      <DialogFormActions busy={f.busy} creating={!existing} onCancel={onClose} />
    </SaveForm>
  );
}
