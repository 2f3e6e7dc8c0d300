import { useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Id, Member, Team } from '../../api/types';
import { TextAreaField, TextField } from '../../components/Field';
import { t } from '../../i18n';
import { useLoad } from '../../lib/hooks';
import type { ScreenProps } from '../../routes';
import { ActionsHeader, EditDeleteCell, EditDialogs, ListPage, NewButton, useEditableList } from './SettingsList';
import { DialogFormActions, MemberPicker, SaveForm, memberNames, notice, useSaveForm } from './SettingsParts';
import { checkTeam, numericIds, toggleId, type TeamField } from './settings_logic';

const TEAM_API_FIELDS: Record<string, TeamField> = { name: 'name', description: 'description' };

/** Settings → Teams: groups of members that conversations can be handed to. */
export function TeamsScreen({ workspace }: ScreenProps) {
  const teams = useLoad(() => api.listTeams(workspace.id), [workspace.id]);
  const members = useLoad(() => api.listMembers(workspace.id), [workspace.id]);
  const list = useEditableList<Team>({
    setData: teams.setData,
    remove: (team) => api.deleteTeam(workspace.id, team.id),
    deleted: (team) => notice('teams.deleted', { name: team.name }),
    saved: (team, created) => notice(created ? 'teams.created' : 'teams.saved', { name: team.name }),
  });
  const all = teams.data?.data ?? [];
  const people = members.data?.data ?? [];

  return (
    <ListPage
      title={t('teams.title')}
      subtitle={t('teams.subtitle')}
      add={<NewButton label={t('teams.new')} onClick={list.startNew} />}
      status={list.status}
      loaded={teams}
      count={all.length}
      empty={{ icon: 'team', title: t('teams.emptyTitle'), body: t('teams.emptyBody') }}
      error={teams.error ?? members.error}
      onRetry={() => {
        void teams.reload();
        void members.reload();
      }}
      after={
        <EditDialogs
          list={list}
          title={(existing) => (existing ? t('teams.editTitle', { name: existing.name }) : t('teams.new'))}
          form={(existing) => (
            <TeamForm workspaceId={workspace.id} existing={existing} members={people} onClose={list.close} onSaved={list.onSaved} />
          )}
          deleteTitle={(team) => t('teams.deleteTitle', { name: team.name })}
          deleteBody={t('teams.deleteBody')}
        />
      }
    >
      <div class="table-wrap">
        <table class="table" data-testid="teams">
          <thead>
            <tr>
              <th scope="col">{t('teams.colTeam')}</th>
              <th scope="col">{t('teams.colMembers')}</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {all.map((team) => (
              <tr key={String(team.id)}>
                <td>
                  <span class="cell-stack">
                    <bdi dir="auto" class="strong">
                      {team.name}
                    </bdi>
                    {team.description ? (
                      <bdi dir="auto" class="muted small">
                        {team.description}
                      </bdi>
                    ) : null}
                  </span>
                </td>
                <td>
                  <NameList names={memberNames(people, team.member_ids)} />
                </td>
                <EditDeleteCell
                  editLabel={t('teams.editLabel', { name: team.name })}
                  deleteLabel={t('teams.deleteLabel', { name: team.name })}
                  onEdit={() => list.edit(team)}
                  onDelete={() => list.askDelete(team)}
                />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ListPage>
  );
}

/** "Layla, Omar" with each name isolated, or "No members". */
function NameList({ names }: { names: string[] }) {
  if (!names.length) return <span class="muted">{t('teams.noMembers')}</span>;
  return (
    <span class="name-list">
      {names.map((n, i) => (
        <span key={i}>
          <bdi dir="auto">{n}</bdi>
          {i < names.length - 1 ? t('common.listSeparator') : ''}
        </span>
      ))}
    </span>
  );
}

function TeamForm({
  workspaceId,
  existing,
  members,
  onClose,
  onSaved,
}: {
  workspaceId: Id;
  existing: Team | null;
  members: Member[];
  onClose: () => void;
  onSaved: (team: Team, created: boolean) => void;
}) {
  const [name, setName] = useState(existing?.name ?? '');
  const [description, setDescription] = useState(existing?.description ?? '');
  const [picked, setPicked] = useState<Id[]>(existing?.member_ids ?? []);
  const f = useSaveForm(TEAM_API_FIELDS, { conflictField: 'name' });

  const submit = f.submit(
    () => checkTeam({ name, description }),
    async () => {
      const body = { name: name.trim(), description: description.trim(), member_ids: numericIds(picked) };
      const r = existing ? await api.updateTeam(workspaceId, existing.id, body) : await api.createTeam(workspaceId, body);
      onSaved(r.team, !existing);
    },
  );

  return (
    <SaveForm f={f} onSubmit={submit}>
      <TextField
        label={t('teams.name')}
        value={name}
        onValue={setName}
        error={f.err('name')}
        placeholder={t('teams.namePlaceholder')}
        required
        autoFocus
      />
      <TextAreaField label={t('teams.description')} value={description} onValue={setDescription} error={f.err('description')} rows={2} optional />
      <MemberPicker
        legend={t('teams.members')}
        members={members}
        selected={picked}
        onToggle={(id, on) => setPicked((p) => toggleId(p, id, on))}
      />
      <DialogFormActions busy={f.busy} creating={!existing} onCancel={onClose} />
    </SaveForm>
  );
}
