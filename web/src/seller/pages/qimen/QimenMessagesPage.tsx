import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Drawer, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { formatDateTime, formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { useUrlParams } from '../../components/useUrlParams';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import {
  MESSAGE_STATUSES,
  type MessageFilters,
  type MessageStatus,
  type MessageSummary,
  METHODS,
  useMessage,
  useMessages,
  useResend,
} from './queries';

const statusColor: Record<MessageStatus, string> = {
  succeeded: 'green',
  sent: 'green',
  failed: 'red',
  dead: 'red',
  duplicate: 'default',
  queued: 'blue',
  retrying: 'gold',
  cancelled: 'default',
};

function StatusTag({ status }: { status: MessageStatus }) {
  const t = useT();
  return (
    <Tag color={statusColor[status]} data-testid="qimen-message-status">
      {t(`qimen.status.${status}`)}
    </Tag>
  );
}

const pre = {
  whiteSpace: 'pre-wrap',
  wordBreak: 'break-all',
  fontSize: 12,
  background: '#f6f7f9',
  padding: 12,
  borderRadius: 6,
  maxHeight: 320,
  overflow: 'auto',
  margin: 0,
} as const;

/** XML on one line is hard to read: one element per line. */
function pretty(body: string | null | undefined): string {
  if (!body) return '';
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      return body;
    }
  }
  let depth = 0;
  return trimmed
    .replace(/>\s*</g, '>\n<')
    .split('\n')
    .map((line) => {
      if (/^<\//.test(line)) depth = Math.max(0, depth - 1);
      const out = `${'  '.repeat(depth)}${line}`;
      if (/^<[^!?/][^>]*[^/]>$/.test(line) && !/<\/[^>]+>$/.test(line)) depth++;
      return out;
    })
    .join('\n');
}

function MessageDrawer({ shopId, id, onClose }: { shopId: string; id: string | null; onClose: () => void }) {
  const t = useT();
  const locale = useLocale();
  const msg = useMessage(shopId, id);
  const m = msg.data;
  return (
    <Drawer open={!!id} onClose={onClose} width={720} title={t('qimen.detail.title')} destroyOnHidden>
      {m ? (
        <div data-testid="qimen-message-detail">
          <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('qimen.col.method')}>{m.method}</Descriptions.Item>
            <Descriptions.Item label={t('qimen.col.direction')}>
              {t(`qimen.direction.${m.direction}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('qimen.col.partner')}>{m.partnerName ?? m.partnerId}</Descriptions.Item>
            <Descriptions.Item label={t('qimen.col.status')}>
              <StatusTag status={m.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('qimen.col.ref')}>{m.ref ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('qimen.col.outBizCode')}>{m.outBizCode ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('qimen.col.result')} span={2}>
              {m.responseCode ? <Typography.Text code>{m.responseCode}</Typography.Text> : null} {m.responseMessage}
              {m.nextAttemptAt ? (
                <div>{t('qimen.detail.nextAttempt', { at: formatDateTime(m.nextAttemptAt, locale) })}</div>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('qimen.col.time')} span={2}>
              {formatDateTime(m.createdAt, locale)}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('qimen.detail.params')}</Typography.Title>
          <pre style={pre}>
            {Object.entries(m.query)
              .map(([k, v]) => `${k}=${v}`)
              .join('\n') || '—'}
          </pre>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('qimen.detail.request')}
          </Typography.Title>
          <pre style={pre} data-testid="qimen-message-request">
            {pretty(m.requestBody) || t('qimen.detail.noResponse')}
          </pre>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('qimen.detail.response')}
          </Typography.Title>
          <pre style={pre} data-testid="qimen-message-response">
            {pretty(m.responseBody) || t('qimen.detail.noResponse')}
          </pre>
        </div>
      ) : null}
    </Drawer>
  );
}

/** Every Qimen message both ways, with filters, a body viewer, and dead letters to resend. */
export function QimenMessagesPage() {
  const t = useT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const { message } = App.useApp();
  const [params, updateParams] = useUrlParams();
  const tab = params.get('tab') === 'dead' ? 'dead' : 'all';
  const filters: MessageFilters =
    tab === 'dead'
      ? { status: 'dead' }
      : {
          direction: (params.get('direction') as 'in' | 'out' | null) ?? undefined,
          method: params.get('method') ?? undefined,
          status: (params.get('status') as MessageStatus | null) ?? undefined,
        };
  const list = useMessages(shop.id, filters);
  const resend = useResend(shop.id);
  const [viewing, setViewing] = useState<string | null>(null);

  if (list.isError && !list.data)
    return <ShopError error={list.error} shopId={shop.id} onRetry={() => void list.refetch()} />;
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div data-testid="qimen-messages-page">
      <PageHeader
        title={t('qimen.messages.title')}
        subtitle={t('qimen.messages.sub')}
        extra={<Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} data-testid="qimen-refresh" />}
      />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => updateParams({ tab: k === 'dead' ? 'dead' : undefined })}
          items={[
            { key: 'all', label: t('qimen.messages.all') },
            { key: 'dead', label: <span data-testid="qimen-tab-dead">{t('qimen.messages.dead')}</span> },
          ]}
        />
        {tab === 'all' ? (
          <Space wrap style={{ marginBottom: 16 }}>
            <Select
              allowClear
              placeholder={t('qimen.filter.direction')}
              style={{ width: 120 }}
              value={filters.direction}
              onChange={(v) => updateParams({ direction: v })}
              options={(['in', 'out'] as const).map((d) => ({ value: d, label: t(`qimen.direction.${d}`) }))}
              data-testid="qimen-filter-direction"
            />
            <Select
              allowClear
              placeholder={t('qimen.filter.method')}
              style={{ width: 220 }}
              value={filters.method}
              onChange={(v) => updateParams({ method: v })}
              options={METHODS.map((m) => ({ value: m, label: m }))}
              data-testid="qimen-filter-method"
            />
            <Select
              allowClear
              placeholder={t('qimen.filter.status')}
              style={{ width: 180 }}
              value={filters.status}
              onChange={(v) => updateParams({ status: v })}
              options={MESSAGE_STATUSES.map((s) => ({ value: s, label: t(`qimen.status.${s}`) }))}
              data-testid="qimen-filter-status"
            />
          </Space>
        ) : null}
        <Table<MessageSummary>
          rowKey="id"
          size="middle"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1200 }}
          locale={{ emptyText: t('qimen.messages.empty') }}
          onRow={(m) => ({ 'data-testid': `qimen-message-${m.method}` }) as object}
          columns={[
            {
              title: t('qimen.col.time'),
              dataIndex: 'createdAt',
              width: 110,
              render: (at: string) => formatShortDateTime(at, locale),
            },
            {
              title: t('qimen.col.direction'),
              dataIndex: 'direction',
              width: 80,
              render: (d: 'in' | 'out') => (
                <Tag color={d === 'in' ? 'cyan' : 'purple'}>{t(`qimen.direction.${d}`)}</Tag>
              ),
            },
            {
              title: t('qimen.col.method'),
              dataIndex: 'method',
              width: 200,
              render: (m: string) => (
                <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                  {m}
                </Typography.Text>
              ),
            },
            { title: t('qimen.col.partner'), dataIndex: 'partnerName', width: 120, ellipsis: true },
            {
              title: t('qimen.col.ref'),
              dataIndex: 'ref',
              width: 140,
              ellipsis: true,
              render: (r: string | null) => <span title={r ?? ''}>{r ?? '—'}</span>,
            },
            {
              title: t('qimen.col.outBizCode'),
              dataIndex: 'outBizCode',
              width: 140,
              ellipsis: true,
              render: (c: string | null) => <span title={c ?? ''}>{c ?? '—'}</span>,
            },
            {
              title: t('qimen.col.status'),
              dataIndex: 'status',
              render: (s: MessageStatus) => <StatusTag status={s} />,
            },
            {
              title: t('qimen.col.result'),
              dataIndex: 'responseMessage',
              ellipsis: true,
              render: (msg: string | null, m) => (
                <span title={msg ?? ''}>
                  {m.responseCode ? `${m.responseCode} ` : ''}
                  {msg ?? ''}
                </span>
              ),
            },
            {
              title: t('qimen.col.attempts'),
              dataIndex: 'attempts',
              width: 80,
              render: (n: number, m) => (m.direction === 'out' ? `${n}/${m.maxAttempts}` : '—'),
            },
            {
              title: t('qimen.col.actions'),
              key: 'actions',
              width: 120,
              render: (_: unknown, m) => (
                <Space>
                  <a onClick={() => setViewing(m.id)} data-testid="qimen-message-view">
                    {t('qimen.view')}
                  </a>
                  {m.status === 'dead' ? (
                    <a
                      data-testid="qimen-message-resend"
                      onClick={() =>
                        resend.mutate(m.id, {
                          onSuccess: () => void message.success(t('qimen.resent')),
                          onError: (e) => void message.error((e as Error).message),
                        })
                      }
                    >
                      {t('qimen.resend')}
                    </a>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
        {list.hasNextPage ? (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('qimen.messages.more')}
            </Button>
          </div>
        ) : null}
      </Card>
      <MessageDrawer shopId={shop.id} id={viewing} onClose={() => setViewing(null)} />
    </div>
  );
}
