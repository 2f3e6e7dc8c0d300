import { useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Id, Member, Team } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { TextAreaField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Card, EmptyState, PageHeader, Spinner, SubmitButton } from '../../components/Layout';
import { t } from '../../i18n';
import { useLoad } from '../../lib/hooks';
import { focusFirstInvalid } from '../../lib/validate';
import type { ScreenProps } from '../../routes';
import { MemberPicker, errorFor, memberNames, saveError, type SaveError, notice, noticeText, type Notice } from './SettingsParts';
import { checkTeam, hasProblems, numericIds, toggleId, type Problems, type TeamField } from './settings_logic';

const TEAM_API_FIELDS: Record<string, TeamField> = { name: 'name', description: 'description' };

/** Settings → Teams: groups of members that conversations can be handed to. */
export function TeamsScreen({ workspace }: ScreenProps) {
  const teams = useLoad(() => api.listTeams(workspace.id), [workspace.id]);
  const members = useLoad(() => api.listMembers(workspace.id), [workspace.id]);
  const [status, setStatus] = useState<Notice>(null);
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const list = teams.data?.data ?? [];
  const people = members.data?.data ?? [];

  async function confirmDelete() {
    if (!deleting) return;
    setBusy(true);
    setDeleteError(null);
    try {
      await api.deleteTeam(workspace.id, deleting.id);
      setStatus(notice('teams.deleted', { name: deleting.name }));
      teams.setData((d) => d && { data: d.data.filter((x) => String(x.id) !== String(deleting.id)) });
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
      <span>{t('teams.new')}</span>
    </button>
  );

  return (
    <div class="page">
      <PageHeader title={t('teams.title')} subtitle={t('teams.subtitle')} actions={list.length ? newButton : null} />
      <StatusMessage message={noticeText(status)} />
      <ErrorAlert error={teams.error ?? members.error}>
        <button
          type="button"
          class="btn btn-link"
          onClick={() => {
            void teams.reload();
            void members.reload();
          }}
        >
          {t('common.retry')}
        </button>
      </ErrorAlert>
      <Card>
        {teams.loading && !teams.data ? <Spinner /> : null}
        {teams.data && list.length === 0 ? (
          <EmptyState icon="team" title={t('teams.emptyTitle')} body={t('teams.emptyBody')}>
            {newButton}
          </EmptyState>
        ) : null}
        {list.length > 0 ? (
          <div class="table-wrap">
            <table class="table" data-testid="teams">
              <thead>
                <tr>
                  <th scope="col">{t('teams.colTeam')}</th>
                  <th scope="col">{t('teams.colMembers')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((team) => {
                  const names = memberNames(people, team.member_ids);
                  return (
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
                        {names.length ? (
                          <span class="name-list">
                            {names.map((n, i) => (
                              <span key={i}>
                                <bdi dir="auto">{n}</bdi>
                                {i < names.length - 1 ? t('common.listSeparator') : ''}
                              </span>
                            ))}
                          </span>
                        ) : (
                          <span class="muted">{t('teams.noMembers')}</span>
                        )}
                      </td>
                      <td class="cell-actions">
                        <button
                          type="button"
                          class="btn btn-ghost btn-sm"
                          aria-label={t('teams.editLabel', { name: team.name })}
                          onClick={() => setEditing(team)}
                        >
                          <Icon name="edit" size={16} />
                          <span class="hide-sm">{t('common.edit')}</span>
                        </button>
                        <button
                          type="button"
                          class="btn btn-ghost btn-sm btn-danger-text"
                          aria-label={t('teams.deleteLabel', { name: team.name })}
                          onClick={() => setDeleting(team)}
                        >
                          <Icon name="trash" size={16} />
                          <span class="hide-sm">{t('common.delete')}</span>
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>

      <TeamDialog
        workspaceId={workspace.id}
        team={editing}
        members={people}
        onClose={() => setEditing(null)}
        onSaved={(team, created) => {
          setEditing(null);
          setStatus(created ? notice('teams.created', { name: team.name }) : notice('teams.saved', { name: team.name }));
          teams.setData((d) => {
            const rest = (d?.data ?? []).filter((x) => String(x.id) !== String(team.id));
            return { data: created ? [...rest, team] : (d?.data ?? []).map((x) => (String(x.id) === String(team.id) ? team : x)) };
          });
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? t('teams.deleteTitle', { name: deleting.name }) : ''}
        body={t('teams.deleteBody')}
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

function TeamDialog(props: {
  workspaceId: Id;
  team: Team | 'new' | null;
  members: Member[];
  onClose: () => void;
  onSaved: (team: Team, created: boolean) => void;
}) {
  const existing = props.team && props.team !== 'new' ? props.team : null;
  // One <dialog> for every team, so closing it gives the focus back to the button that opened it;
  // the form inside starts afresh for each team.
  return (
    <Dialog
      open={props.team !== null}
      title={existing ? t('teams.editTitle', { name: existing.name }) : t('teams.new')}
      onClose={props.onClose}
    >
      <TeamForm key={existing ? String(existing.id) : 'new'} {...props} existing={existing} />
    </Dialog>
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
  const [problems, setProblems] = useState<Problems<TeamField>>({});
  const [server, setServer] = useState<SaveError<TeamField> | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const found = checkTeam({ name, description });
    setProblems(found);
    setServer(null);
    if (hasProblems(found)) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    const body = { name: name.trim(), description: description.trim(), member_ids: numericIds(picked) };
    try {
      const r = existing ? await api.updateTeam(workspaceId, existing.id, body) : await api.createTeam(workspaceId, body);
      onSaved(r.team, !existing);
    } catch (err) {
      setServer(saveError(err, TEAM_API_FIELDS, 'name'));
      focusFirstInvalid(form.current);
      setBusy(false);
    }
  }

  return (
    <form ref={form} class="form" onSubmit={submit} noValidate>
      <ErrorAlert error={server?.general ?? null} />
      <TextField
        label={t('teams.name')}
        value={name}
        onValue={setName}
        error={errorFor('name', problems, server)}
        placeholder={t('teams.namePlaceholder')}
        required
        autoFocus
      />
      <TextAreaField
        label={t('teams.description')}
        value={description}
        onValue={setDescription}
        error={errorFor('description', problems, server)}
        rows={2}
        optional
      />
      <MemberPicker
        legend={t('teams.members')}
        members={members}
        selected={picked}
        onToggle={(id, on) => setPicked((p) => toggleId(p, id, on))}
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
