import { MailOutlined } from '@ant-design/icons';
import { App, Avatar, Button, Empty, List, Popconfirm, Space, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../api/errors';
import type { MyInvitation } from '../api/types';
import { formatDateTime } from '../i18n/locale';
import { useLocale } from '../i18n/react';
import { roleLabel, useT } from './i18n';
import { useAnswerInvitation, useMyInvitations } from './queries';

/** Invitations the signed-in account has received, with accept and decline. */
export function InvitationList({ compact = false }: { compact?: boolean }) {
  const t = useT();
  const invitations = useMyInvitations();
  if (!invitations.data?.length) {
    return compact ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('invitations.none')} /> : null;
  }
  return (
    <List
      data-testid="invitation-list"
      itemLayout="horizontal"
      dataSource={invitations.data}
      renderItem={(invitation) => <InvitationItem invitation={invitation} />}
    />
  );
}

function InvitationItem({ invitation }: { invitation: MyInvitation }) {
  const t = useT();
  const locale = useLocale();
  const answer = useAnswerInvitation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const shop = invitation.shopName;
  // mutateAsync, not mutate's callbacks: answering removes this item from the list (the lists are
  // refetched first), and callbacks passed to mutate() do not run once the component is gone.
  const respond = async (accept: boolean) => {
    try {
      const result = await answer.mutateAsync({ invitationId: invitation.id, accept });
      if (accept && result) {
        void message.success(t('invitations.accepted', { shop }));
        navigate(`/shops/${result.shopId}/home`);
      } else {
        void message.info(t('invitations.declined', { shop }));
      }
    } catch (error) {
      void message.error(errorMessage(error));
    }
  };
  return (
    <List.Item
      data-testid="invitation"
      actions={[
        <Button
          key="accept"
          type="primary"
          size="small"
          loading={answer.isPending && answer.variables?.accept === true}
          onClick={() => respond(true)}
        >
          {t('invitations.accept')}
        </Button>,
        <Popconfirm key="decline" title={t('invitations.declineConfirm', { shop })} onConfirm={() => respond(false)}>
          <Button size="small" loading={answer.isPending && answer.variables?.accept === false}>
            {t('invitations.decline')}
          </Button>
        </Popconfirm>,
      ]}
    >
      <List.Item.Meta
        avatar={<Avatar style={{ background: '#fff2e8', color: '#ff6a00' }} icon={<MailOutlined />} />}
        title={t('invitations.line', { shop, role: roleLabel(t, invitation.role) })}
        description={
          <Space size={4}>
            <Typography.Text type="secondary">
              {t('invitations.expires', { date: formatDateTime(invitation.expiresAt, locale) })}
            </Typography.Text>
          </Space>
        }
      />
    </List.Item>
  );
}
