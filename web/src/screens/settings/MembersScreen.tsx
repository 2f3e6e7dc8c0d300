import { useRef, useState } from 'preact/hooks';
import { api } from '../../api/endpoints';
import type { Invitation, InvitationCreated, Member, Role } from '../../api/types';
import { ErrorAlert, StatusMessage } from '../../components/Alert';
import { CopyField } from '../../components/CopyButton';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/Field';
import { Avatar, Card, PageHeader, RowButton, Spinner, SubmitButton } from '../../components/Layout';
import { Presence } from '../../components/Presence';
import { formatTimestamp, microsToDate, t } from '../../i18n';
import { useAction, useLoad } from '../../lib/hooks';
import { isMemberEvent, membersAfterEvent } from '../../lib/membership';
import { useWorkspaceEvents } from '../../lib/realtime';
import { session } from '../../lib/session';
import { checkEmail, focusFirstInvalid } from '../../lib/validate';
import type { ScreenProps } from '../../routes';
import { INVITABLE_ROLES, assignableRoles, roleLabel } from './roles';

export function MembersScreen({ workspace }: ScreenProps) {
  const me = session.use()?.user;
  const members = useLoad(() => api.listMembers(workspace.id), [workspace.id]);
  const invitations = useLoad(() => api.listInvitations(workspace.id), [workspace.id]);
  const [status, setStatus] = useState<string | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const confirm = useAction();

  // Live: availability, roles and removals made anywhere show at once.
  useWorkspaceEvents(workspace.id, (e) => {
    if (e.event === 'resync') void members.reload();
    else if (isMemberEvent(e)) members.setData((d) => d && { data: [...membersAfterEvent(d.data, e)] });
  });

  async function changeRole(m: Member, role: Role) {
    setRowError(null);
    setStatus(null);
    try {
      await api.updateMemberRole(workspace.id, m.user_id, role);
      members.setData((d) => d && { data: d.data.map((x) => (x.user_id === m.user_id ? { ...x, role } : x)) });
      setStatus(t('members.roleUpdated', { name: m.name }));
    } catch (err) {
      setRowError(err);
      void members.reload();
    }
  }

  const confirmRemove = (m: Member) =>
    confirm.run(async () => {
      await api.removeMember(workspace.id, m.user_id);
      setStatus(t('members.removed', { name: m.name }));
      setRemoving(null);
      void members.reload();
    });

  const confirmRevoke = (inv: Invitation) =>
    confirm.run(async () => {
      await api.revokeInvitation(workspace.id, inv.id);
      setStatus(t('invitations.revoked', { email: inv.email }));
      setRevoking(null);
      void invitations.reload();
    });

  const closeConfirm = () => {
    setRemoving(null);
    setRevoking(null);
    confirm.setError(null);
  };

  return (
    <div class="page">
      <PageHeader title={t('members.title')} subtitle={t('members.subtitle')} />
      <StatusMessage message={status} />
      <ErrorAlert error={rowError} />

      <Card>
        <ErrorAlert error={members.error} />
        {members.loading && !members.data ? <Spinner /> : null}
        {members.data ? (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('members.colMember')}</th>
                  <th scope="col">{t('members.colRole')}</th>
                  <th scope="col" class="hide-sm">
                    {t('members.colAvailability')}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {members.data.data.map((m) => {
                  const isMe = me && String(me.id) === String(m.user_id);
                  // The server has the final word (e.g. it keeps the last owner).
                  const editable = !isMe && (m.role !== 'owner' || workspace.role === 'owner');
                  return (
                    <tr key={String(m.user_id)}>
                      <td>
                        <span class="cell-person">
                          <Avatar name={m.name} size="sm" />
                          <span class="cell-stack">
                            <span>
                              <bdi dir="auto">{m.name}</bdi>
                              {isMe ? <span class="muted"> ({t('common.you')})</span> : null}
                            </span>
                            <bdi class="muted small" dir="ltr">
                              {m.email}
                            </bdi>
                          </span>
                        </span>
                      </td>
                      <td>
                        {editable ? (
                          <SelectField
                            class="field-inline"
                            label={t('members.roleFor', { name: m.name })}
                            hideLabel
                            value={m.role}
                            options={assignableRoles(workspace.role).map((r) => ({ value: r, label: roleLabel(r) }))}
                            onValue={(r) => void changeRole(m, r)}
                          />
                        ) : (
                          <span class={`badge badge-${m.role}`}>{roleLabel(m.role)}</span>
                        )}
                      </td>
                      <td class="hide-sm">
                        <Presence availability={m.availability} />
                      </td>
                      <td class="cell-actions">
                        {editable ? (
                          <RowButton
                            icon="trash"
                            text={t('members.remove')}
                            label={t('members.removeLabel', { name: m.name })}
                            danger
                            onClick={() => setRemoving(m)}
                          />
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>

      <InviteCard
        workspaceId={workspace.id}
        onInvited={() => {
          void invitations.reload();
        }}
      />

      <Card>
        <h2 class="card-title">{t('invitations.pending')}</h2>
        <ErrorAlert error={invitations.error} />
        {invitations.loading && !invitations.data ? <Spinner /> : null}
        {invitations.data && invitations.data.data.length === 0 ? (
          <p class="muted">{t('invitations.empty')}</p>
        ) : null}
        {invitations.data && invitations.data.data.length > 0 ? (
          <div class="table-wrap">
            <table class="table" data-testid="invitations">
              <thead>
                <tr>
                  <th scope="col">{t('invitations.colEmail')}</th>
                  <th scope="col">{t('invitations.colRole')}</th>
                  <th scope="col" class="hide-sm">
                    {t('invitations.colExpires')}
                  </th>
                  <th scope="col">
                    <span class="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.data.data.map((inv) => (
                  <tr key={String(inv.id)}>
                    <td>
                      <bdi dir="ltr">{inv.email}</bdi>
                    </td>
                    <td>{roleLabel(inv.role)}</td>
                    <td class="hide-sm nowrap">
                      <time dateTime={microsToDate(inv.expires_at).toISOString()}>{formatTimestamp(inv.expires_at)}</time>
                    </td>
                    <td class="cell-actions">
                      <RowButton
                        icon="trash"
                        text={t('invitations.revoke')}
                        label={t('invitations.revokeLabel', { email: inv.email })}
                        danger
                        onClick={() => setRevoking(inv)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>

      <ConfirmDialog
        open={removing !== null}
        title={removing ? t('members.removeTitle', { name: removing.name }) : ''}
        body={t('members.removeBody')}
        confirmLabel={t('members.remove')}
        busy={confirm.busy}
        error={<ErrorAlert error={confirm.error} />}
        onConfirm={() => removing && void confirmRemove(removing)}
        onCancel={closeConfirm}
      />
      <ConfirmDialog
        open={revoking !== null}
        title={revoking ? t('invitations.revokeTitle', { email: revoking.email }) : ''}
        body={t('invitations.revokeBody')}
        confirmLabel={t('invitations.revoke')}
        busy={confirm.busy}
        error={<ErrorAlert error={confirm.error} />}
        onConfirm={() => revoking && void confirmRevoke(revoking)}
        onCancel={closeConfirm}
      />
    </div>
  );
}

function InviteCard({ workspaceId, onInvited }: { workspaceId: string | number; onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [emailError, setEmailError] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const form = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const problem = checkEmail(email);
    setEmailError(problem);
    if (problem) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const result = await api.createInvitation(workspaceId, email.trim(), role);
      setCreated(result);
      setEmail('');
      onInvited();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card>
      <h2 class="card-title">{t('invitations.title')}</h2>
      <p class="muted">{t('invitations.subtitle')}</p>
      <form ref={form} class="form form-row" onSubmit={submit} noValidate>
        <TextField
          class="grow"
          label={t('field.email')}
          type="email"
          value={email}
          onValue={setEmail}
          error={emailError}
          dir="ltr"
          autoComplete="off"
          required
        />
        <SelectField
          label={t('field.role')}
          value={role}
          options={INVITABLE_ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
          onValue={setRole}
        />
        <div class="form-row-action">
          <SubmitButton busy={busy} label={t('invitations.submit')} busyLabel={t('invitations.submitting')} />
        </div>
      </form>
      <ErrorAlert error={error} />
      {created ? (
        <div class="callout callout-success" data-testid="invitation-created">
          <p role="status">{t('invitations.created', { email: created.invitation.email })}</p>
          <CopyField id="invitation-link" label={t('invitations.link')} value={created.accept_url} />
        </div>
      ) : null}
    </Card>
  );
}
