import { CheckOutlined, UserAddOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, Popconfirm, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import type { Member, ShopInvitation, StaffRole } from '../../api/types';
import { errorMessage } from '../../api/errors';
import { formatShortDateTime } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { FormAlert, PageHeader, showFormErrors } from '../../shared/antd/components';
import { useCommonT } from '../../shared/antd/i18n';
import { useMe } from '../../shared/auth';
import { invitationStatusLabel, permissionLabel, roleLabel, useT } from '../i18n';
import {
  useChangeRole,
  useInvite,
  useMembers,
  useRemoveMember,
  useRevokeInvitation,
  useRoles,
  useShopInvitations,
} from '../queries';
import { ShopError } from '../ShopError';
import { useCurrentShop } from '../SellerLayout';

export function StaffPage() {
  const t = useT();
  const { shop } = useCurrentShop();
  const members = useMembers(shop.id);
  if (members.isError)
    return <ShopError error={members.error} shopId={shop.id} onRetry={() => void members.refetch()} />;
  return (
    <div data-testid="staff-page">
      <PageHeader title={t('staff.title')} subtitle={t('staff.sub')} />
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <MembersCard shopId={shop.id} />
        </Col>
        <Col span={24}>
          <InviteCard shopId={shop.id} />
        </Col>
        <Col span={24}>
          <InvitationsCard shopId={shop.id} />
        </Col>
        <Col span={24}>
          <RoleMatrix />
        </Col>
      </Row>
    </div>
  );
}

function useAssignableRoles(): StaffRole[] {
  const roles = useRoles();
  return useMemo(
    () => (roles.data ?? []).map((r) => r.role).filter((r): r is StaffRole => r !== 'owner'),
    [roles.data],
  );
}

function MembersCard({ shopId }: { shopId: string }) {
  const t = useT();
  const locale = useLocale();
  const me = useMe();
  const members = useMembers(shopId);
  const changeRole = useChangeRole(shopId);
  const remove = useRemoveMember(shopId);
  const assignable = useAssignableRoles();
  const { message } = App.useApp();
  const rows = members.data?.pages.flatMap((p) => p.items) ?? [];
  const name = (m: Member) => m.displayName || m.email || m.mobile || m.accountId;

  return (
    <Card title={t('staff.members')} styles={{ body: { padding: 0 } }}>
      <Table<Member>
        data-testid="members-table"
        rowKey="accountId"
        loading={members.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        className="qd-nowrap"
        columns={[
          {
            title: t('staff.name'),
            key: 'name',
            render: (_, m) => (
              <Space size={6}>
                <Typography.Text strong>{name(m)}</Typography.Text>
                {m.accountId === me.data?.id ? <Tag>{t('staff.you')}</Tag> : null}
              </Space>
            ),
          },
          { title: t('staff.contact'), key: 'contact', render: (_, m) => m.email ?? m.mobile ?? '—' },
          {
            title: t('staff.role'),
            key: 'role',
            width: 180,
            render: (_, m) =>
              m.role === 'owner' ? (
                <Tag color="orange">{roleLabel(t, m.role)}</Tag>
              ) : (
                <Select<StaffRole>
                  size="small"
                  style={{ width: 150 }}
                  value={m.role}
                  aria-label={t('staff.role')}
                  loading={changeRole.isPending && changeRole.variables?.accountId === m.accountId}
                  options={assignable.map((r) => ({ value: r, label: roleLabel(t, r) }))}
                  onChange={(role) =>
                    changeRole.mutate(
                      { accountId: m.accountId, role },
                      {
                        onSuccess: () =>
                          void message.success(t('staff.roleChanged', { name: name(m), role: roleLabel(t, role) })),
                        onError: (e) => void message.error(errorMessage(e)),
                      },
                    )
                  }
                />
              ),
          },
          { title: t('staff.joinedAt'), key: 'joinedAt', render: (_, m) => formatShortDateTime(m.joinedAt, locale) },
          {
            title: t('staff.actions'),
            key: 'actions',
            width: 100,
            render: (_, m) =>
              m.role === 'owner' || m.accountId === me.data?.id ? null : (
                <Popconfirm
                  title={t('staff.removeTitle')}
                  description={t('staff.removeConfirm', { name: name(m) })}
                  okButtonProps={{ danger: true }}
                  onConfirm={() =>
                    remove.mutateAsync(m.accountId).then(
                      () => void message.success(t('staff.removed', { name: name(m) })),
                      (e: unknown) => void message.error(errorMessage(e)),
                    )
                  }
                >
                  <Button type="link" danger size="small">
                    {t('staff.remove')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      {members.hasNextPage ? (
        <div style={{ padding: 12, textAlign: 'center' }}>
          <Button onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage}>
            {t('staff.loadMore')}
          </Button>
        </div>
      ) : null}
    </Card>
  );
}

function InviteCard({ shopId }: { shopId: string }) {
  const t = useT();
  const c = useCommonT();
  const [form] = Form.useForm<{ identifier: string; role: StaffRole }>();
  const invite = useInvite(shopId);
  const assignable = useAssignableRoles();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  return (
    <Card
      title={
        <Space>
          <UserAddOutlined />
          {t('staff.invite')}
        </Space>
      }
    >
      <FormAlert message={error} />
      <Form
        form={form}
        layout="inline"
        requiredMark={false}
        data-testid="invite-form"
        onFinish={(values) => {
          setError(null);
          invite.mutate(
            { identifier: values.identifier.trim(), role: values.role },
            {
              onSuccess: () => {
                void message.success(t('staff.invited', { identifier: values.identifier.trim() }));
                form.resetFields();
              },
              onError: (e) => setError(showFormErrors(form, e)),
            },
          );
        }}
      >
        <Form.Item
          name="identifier"
          label={t('staff.identifier')}
          rules={[{ required: true, whitespace: true, message: c('required', { field: t('staff.identifier') }) }]}
        >
          <Input
            data-testid="invite-identifier"
            placeholder={t('staff.identifierPlaceholder')}
            style={{ width: 320 }}
          />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('staff.inviteRole')}
          rules={[{ required: true, message: c('required', { field: t('staff.inviteRole') }) }]}
        >
          <Select
            data-testid="invite-role"
            placeholder={t('staff.inviteRole')}
            style={{ width: 180 }}
            options={assignable.map((r) => ({ value: r, label: roleLabel(t, r) }))}
          />
        </Form.Item>
        <Form.Item>
          <Button data-testid="invite-submit" type="primary" htmlType="submit" loading={invite.isPending}>
            {t('staff.inviteSubmit')}
          </Button>
        </Form.Item>
      </Form>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
        {t('staff.inviteHint')}
      </Typography.Paragraph>
    </Card>
  );
}

const invitationColor: Record<string, string> = {
  pending: 'gold',
  accepted: 'green',
  declined: 'default',
  revoked: 'default',
  expired: 'default',
};

function InvitationsCard({ shopId }: { shopId: string }) {
  const t = useT();
  const locale = useLocale();
  const invitations = useShopInvitations(shopId);
  const revoke = useRevokeInvitation(shopId);
  const { message } = App.useApp();
  const rows = invitations.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card title={t('staff.invitations')} styles={{ body: { padding: 0 } }}>
      <Table<ShopInvitation>
        data-testid="invitations-table"
        rowKey="id"
        loading={invitations.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        className="qd-nowrap"
        locale={{ emptyText: t('staff.noInvitations') }}
        columns={[
          { title: t('staff.invIdentifier'), dataIndex: 'identifier' },
          { title: t('staff.role'), key: 'role', render: (_, i) => roleLabel(t, i.role) },
          {
            title: t('staff.invStatus'),
            key: 'status',
            render: (_, i) => (
              <Tag color={invitationColor[i.status] ?? 'default'}>{invitationStatusLabel(t, i.status)}</Tag>
            ),
          },
          {
            title: t('staff.invCreatedAt'),
            key: 'createdAt',
            render: (_, i) => formatShortDateTime(i.createdAt, locale),
          },
          {
            title: t('staff.invExpiresAt'),
            key: 'expiresAt',
            render: (_, i) => formatShortDateTime(i.expiresAt, locale),
          },
          {
            title: t('staff.actions'),
            key: 'actions',
            width: 100,
            render: (_, i) =>
              i.status === 'pending' ? (
                <Popconfirm
                  title={t('staff.revokeConfirm', { identifier: i.identifier })}
                  okButtonProps={{ danger: true }}
                  onConfirm={() =>
                    revoke.mutateAsync(i.id).then(
                      () => void message.success(t('staff.revoked')),
                      (e: unknown) => void message.error(errorMessage(e)),
                    )
                  }
                >
                  <Button type="link" danger size="small">
                    {t('staff.revoke')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      {invitations.hasNextPage ? (
        <div style={{ padding: 12, textAlign: 'center' }}>
          <Button onClick={() => void invitations.fetchNextPage()} loading={invitations.isFetchingNextPage}>
            {t('staff.loadMore')}
          </Button>
        </div>
      ) : null}
    </Card>
  );
}

function RoleMatrix() {
  const t = useT();
  const roles = useRoles();
  const items = roles.data ?? [];
  const permissions = [...new Set(items.flatMap((r) => r.permissions as readonly string[]))];
  return (
    <Card
      title={t('staff.matrix')}
      extra={<Typography.Text type="secondary">{t('staff.matrixSub')}</Typography.Text>}
      styles={{ body: { padding: 0 } }}
    >
      <Table
        className="qd-matrix"
        data-testid="role-matrix"
        size="small"
        rowKey="permission"
        loading={roles.isPending}
        pagination={false}
        scroll={{ x: 760 }}
        dataSource={permissions.map((permission) => ({ permission }))}
        columns={[
          {
            title: t('staff.permission'),
            key: 'permission',
            fixed: 'left',
            width: 180,
            render: (_, row) => (
              <span>
                {permissionLabel(t, row.permission)}{' '}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {row.permission}
                </Typography.Text>
              </span>
            ),
          },
          ...items.map((r) => ({
            title: roleLabel(t, r.role),
            key: r.role,
            align: 'center' as const,
            render: (_: unknown, row: { permission: string }) =>
              (r.permissions as readonly string[]).includes(row.permission) ? (
                <CheckOutlined style={{ color: '#52c41a' }} aria-label={t('staff.granted')} />
              ) : (
                <span style={{ color: '#d9d9d9' }} aria-label={t('staff.notGranted')}>
                  —
                </span>
              ),
          })),
        ]}
      />
    </Card>
  );
}
