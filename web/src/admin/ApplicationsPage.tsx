import { ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Avatar, Button, Card, Form, Input, Modal, Space, Table, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, call } from '../api/client';
import { errorMessage } from '../api/errors';
import type { ShopApplication, ShopStatus } from '../api/types';
import { formatShortDateTime } from '../i18n/locale';
import { useLocale } from '../i18n/react';
import { FormAlert, LoadError, PageHeader, showFormErrors } from '../shared/antd/components';
import { useT } from './i18n';

const statuses = ['pending', 'active', 'rejected'] as const satisfies readonly ShopStatus[];
type Status = (typeof statuses)[number];

const applicationsKey = (status: Status) => ['admin', 'shop-applications', status] as const;

function useApplications(status: Status) {
  return useInfiniteQuery({
    queryKey: applicationsKey(status),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/admin/shop-applications', {
          params: { query: { status, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

function useCategoryNames() {
  const categories = useQuery({
    queryKey: ['shopCategories'],
    queryFn: async () => (await call(api.GET('/api/shop-categories'))).items,
    staleTime: 10 * 60_000,
  });
  return (code: string) => categories.data?.find((c) => c.code === code)?.name ?? code;
}

function useReview() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ shopId, reject }: { shopId: string; reject?: string }) => {
      const params = { path: { shopId } };
      return reject === undefined
        ? call(api.POST('/api/admin/shop-applications/{shopId}/approve', { params }))
        : call(api.POST('/api/admin/shop-applications/{shopId}/reject', { params, body: { reason: reject } }));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin', 'shop-applications'] }),
  });
}

export function ApplicationsPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const requested = params.get('status');
  const status: Status = (statuses as readonly string[]).includes(requested ?? '') ? (requested as Status) : 'pending';
  const queryClient = useQueryClient();
  return (
    <div data-testid="applications-page">
      <PageHeader
        title={t('apps.title')}
        subtitle={t('apps.sub')}
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void queryClient.invalidateQueries({ queryKey: ['admin', 'shop-applications'] })}
          >
            {t('apps.refresh')}
          </Button>
        }
      />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={status}
          onChange={(key) => setParams({ status: key }, { replace: true })}
          items={statuses.map((s) => ({ key: s, label: t(`apps.tab.${s}`) }))}
        />
        <ApplicationsTable key={status} status={status} />
      </Card>
    </div>
  );
}

function ApplicationsTable({ status }: { status: Status }) {
  const t = useT();
  const locale = useLocale();
  const applications = useApplications(status);
  const categoryName = useCategoryNames();
  const review = useReview();
  const { modal, message } = App.useApp();
  const [rejecting, setRejecting] = useState<ShopApplication | null>(null);
  if (applications.isError) return <LoadError error={applications.error} onRetry={() => void applications.refetch()} />;
  const rows = applications.data?.pages.flatMap((p) => p.items) ?? [];

  const approve = (app: ShopApplication) =>
    modal.confirm({
      title: t('apps.approveTitle', { name: app.name }),
      content: t('apps.approveBody'),
      okText: t('apps.approve'),
      onOk: () =>
        review.mutateAsync({ shopId: app.id }).then(
          () => void message.success(t('apps.approved', { name: app.name })),
          (e: unknown) => void message.error(errorMessage(e)),
        ),
    });

  return (
    <>
      <Table<ShopApplication>
        data-testid={`applications-${status}`}
        rowKey="id"
        loading={applications.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t(`apps.empty.${status}`) }}
        columns={[
          {
            title: t('apps.name'),
            key: 'name',
            render: (_, a) => (
              <Space size={12}>
                {a.logoUrl ? (
                  <Avatar shape="square" size={44} src={a.logoUrl} alt={t('apps.logo')} />
                ) : (
                  <Avatar shape="square" size={44} style={{ background: '#ffb37a' }}>
                    {a.name.slice(0, 1)}
                  </Avatar>
                )}
                <Typography.Text strong>{a.name}</Typography.Text>
              </Space>
            ),
          },
          { title: t('apps.category'), key: 'category', render: (_, a) => categoryName(a.mainCategory) },
          {
            title: t('apps.contact'),
            key: 'contact',
            render: (_, a) => (
              <div>
                <div>{a.contactName}</div>
                <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
                  {a.contactPhone}
                </Typography.Text>
              </div>
            ),
          },
          { title: t('apps.licence'), dataIndex: 'licenceNo', key: 'licence', className: 'qd-nowrap-cell' },
          {
            title: t('apps.owner'),
            key: 'owner',
            render: (_, a) => (
              <div>
                <div>{a.ownerName}</div>
                <Typography.Text type="secondary" style={{ wordBreak: 'break-all' }}>
                  {a.ownerEmail ?? a.ownerMobile}
                </Typography.Text>
              </div>
            ),
          },
          ...(status === 'pending'
            ? [
                {
                  title: t('apps.appliedAt'),
                  key: 'createdAt',
                  className: 'qd-nowrap-cell',
                  render: (_: unknown, a: ShopApplication) => formatShortDateTime(a.createdAt, locale),
                },
              ]
            : [
                {
                  title: t('apps.timeline'),
                  key: 'times',
                  className: 'qd-nowrap-cell',
                  render: (_: unknown, a: ShopApplication) => (
                    <div style={{ fontSize: 13 }}>
                      <div>{formatShortDateTime(a.createdAt, locale)}</div>
                      <Typography.Text type="secondary">{formatShortDateTime(a.reviewedAt, locale)}</Typography.Text>
                    </div>
                  ),
                },
              ]),
          ...(status === 'pending'
            ? [
                {
                  title: t('apps.actions'),
                  key: 'actions',
                  fixed: 'right' as const,
                  width: 160,
                  render: (_: unknown, a: ShopApplication) => (
                    <Space>
                      <Button type="primary" size="small" onClick={() => approve(a)}>
                        {t('apps.approve')}
                      </Button>
                      <Button danger size="small" onClick={() => setRejecting(a)}>
                        {t('apps.reject')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
          ...(status === 'rejected'
            ? [
                {
                  title: t('apps.reason'),
                  key: 'reason',
                  render: (_: unknown, a: ShopApplication) => a.rejectReason ?? '—',
                },
              ]
            : []),
        ]}
      />
      {applications.hasNextPage ? (
        <div style={{ padding: 12, textAlign: 'center' }}>
          <Button onClick={() => void applications.fetchNextPage()} loading={applications.isFetchingNextPage}>
            {t('apps.loadMore')}
          </Button>
        </div>
      ) : null}
      <RejectModal application={rejecting} onClose={() => setRejecting(null)} />
    </>
  );
}

function RejectModal({ application, onClose }: { application: ShopApplication | null; onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<{ reason: string }>();
  const review = useReview();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const submit = async () => {
    if (!application) return;
    const values = await form.validateFields().catch(() => null);
    if (!values) return; // the form shows what is missing
    const { reason } = values;
    setError(null);
    review.mutate(
      { shopId: application.id, reject: reason.trim() },
      {
        onSuccess: () => {
          void message.success(t('apps.rejected', { name: application.name }));
          form.resetFields();
          onClose();
        },
        onError: (e) => setError(showFormErrors(form, e)),
      },
    );
  };
  return (
    <Modal
      open={!!application}
      title={application ? t('apps.rejectTitle', { name: application.name }) : ''}
      okText={t('apps.reject')}
      okButtonProps={{ danger: true }}
      confirmLoading={review.isPending}
      onOk={submit}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      <FormAlert message={error} />
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label={t('apps.rejectReason')}
          rules={[{ required: true, whitespace: true, message: t('apps.rejectRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={500} showCount placeholder={t('apps.rejectPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
