import { CheckCircleOutlined, ScanOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, InputNumber, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../../api/errors';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { useUrlParams } from '../../components/useUrlParams';
import { useT } from '../../i18n';
import { formatFen } from '../../money';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import {
  type Pickup,
  type PickupStatus,
  type Store,
  useO2oSettings,
  usePickups,
  useSaveO2oSettings,
  useVerifyPickup,
} from './queries';

const STATUSES: PickupStatus[] = ['open', 'picked_up', 'expired', 'cancelled'];
const statusColor: Record<PickupStatus, string> = {
  open: 'blue',
  picked_up: 'green',
  expired: 'orange',
  cancelled: 'default',
};

export function PickupStatusTag({ status }: { status: PickupStatus }) {
  const t = useT();
  return <Tag color={statusColor[status]}>{t(`pickup.status.${status}`)}</Tag>;
}

/** Verify a code (typed, or a scanner's text; a pickup QR opened on a phone fills it in) and the store's pickups. */
export function PickupsPanel({ store }: { store: Store }) {
  const t = useT();
  const locale = useLocale();
  const membership = useCurrentShop();
  const { shop } = membership;
  const [params, setParams] = useUrlParams();
  const [code, setCode] = useState(params.get('verify') ?? '');
  const [done, setDone] = useState<Pickup | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const verify = useVerifyPickup(shop.id, store.id);
  const status = (params.get('pickups') as PickupStatus | null) ?? 'open';
  const pickups = usePickups(shop.id, store.id, status);
  const rows = useMemo(() => pickups.data?.pages.flatMap((p) => p.items) ?? [], [pickups.data]);

  // A pickup QR opened on the staff's phone lands here with ?verify=: the code is filled in (above), then
  // dropped from the address so a reload does not fill it again.
  useEffect(() => {
    if (params.get('verify')) setParams({ verify: undefined });
  }, [params, setParams]);

  const submit = () => {
    if (!code.trim()) return;
    setProblem(null);
    setDone(null);
    verify.mutate(code.trim(), {
      onSuccess: (p) => {
        setDone(p);
        setCode('');
      },
      onError: (e) => setProblem(errorMessage(e)),
    });
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('pickup.verifyTitle')} size="small">
        <Space.Compact style={{ width: '100%', maxWidth: 760 }}>
          <Input
            size="large"
            data-testid="verify-input"
            prefix={<ScanOutlined />}
            autoFocus
            allowClear
            value={code}
            placeholder={t('pickup.verifyPlaceholder')}
            aria-label={t('pickup.verifyTitle')}
            onChange={(e) => setCode(e.target.value)}
            onPressEnter={submit}
          />
          <Button size="large" type="primary" data-testid="verify-submit" loading={verify.isPending} onClick={submit}>
            {t('pickup.verify')}
          </Button>
        </Space.Compact>
        {problem ? (
          <Alert
            style={{ marginTop: 12 }}
            type="error"
            showIcon
            role="alert"
            title={problem}
            data-testid="verify-error"
          />
        ) : null}
        {done ? (
          <Alert
            style={{ marginTop: 12 }}
            type="success"
            showIcon
            icon={<CheckCircleOutlined />}
            data-testid="verify-done"
            title={t('pickup.verified', { orderNo: done.orderNo })}
            description={
              <Space direction="vertical" size={2}>
                <span>
                  {t('pickup.contact')}：{done.contactName} {done.contactPhone}
                </span>
                {done.lines.map((l, i) => (
                  <span key={i}>
                    {l.title} {l.specText} × {l.quantity}
                  </span>
                ))}
              </Space>
            }
          />
        ) : null}
      </Card>

      <Card size="small">
        <Tabs
          size="small"
          activeKey={status}
          onChange={(key) => setParams({ pickups: key })}
          items={STATUSES.map((s) => ({ key: s, label: t(`pickup.status.${s}`) }))}
        />
        <Table<Pickup>
          rowKey="shipmentId"
          size="middle"
          data-testid="pickup-table"
          loading={pickups.isFetching && !pickups.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t('pickup.empty') }}
          columns={[
            {
              title: t('pickup.order'),
              render: (_, p) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text copyable>{p.orderNo}</Typography.Text>
                  <Typography.Text type="secondary">{t(`pickup.kind.${p.kind}`)}</Typography.Text>
                </Space>
              ),
            },
            {
              title: t('pickup.items'),
              render: (_, p) => (
                <Space direction="vertical" size={0}>
                  {p.lines.map((l, i) => (
                    <span key={i}>
                      {l.title} {l.specText ? <Typography.Text type="secondary">{l.specText}</Typography.Text> : null} ×{' '}
                      {l.quantity}
                    </span>
                  ))}
                  <Typography.Text type="secondary">{formatFen(p.total, locale)}</Typography.Text>
                </Space>
              ),
            },
            {
              title: t('pickup.contact'),
              render: (_, p) => `${p.contactName} ${p.contactPhone}`,
            },
            {
              title: status === 'picked_up' ? t('pickup.pickedUpAt') : t('pickup.deadline'),
              render: (_, p) => formatShortDateTime(status === 'picked_up' ? p.pickedUpAt : p.expiresAt, locale),
            },
            { title: '', render: (_, p) => <PickupStatusTag status={p.status} /> },
          ]}
        />
        {pickups.hasNextPage ? (
          <Button block type="link" onClick={() => void pickups.fetchNextPage()} loading={pickups.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        ) : null}
      </Card>
      {hasPermission(membership, 'shop.settings') ? <TimeoutSetting /> : null}
    </Space>
  );
}

/** The owner's pickup timeout (hours until an uncollected order is cancelled and refunded). */
function TimeoutSetting() {
  const t = useT();
  const { shop } = useCurrentShop();
  const settings = useO2oSettings(shop.id);
  const save = useSaveO2oSettings(shop.id);
  const [hours, setHours] = useState<number | null>(null);
  const { message } = App.useApp();
  const value = hours ?? settings.data?.pickupTimeoutHours ?? 72;
  return (
    <Card size="small" title={t('pickup.timeout')}>
      <Space wrap>
        <InputNumber
          min={1}
          max={720}
          value={value}
          onChange={(v) => setHours(v)}
          addonAfter={t('pickup.hourUnit')}
          data-testid="pickup-timeout"
        />
        <Button
          loading={save.isPending}
          onClick={() =>
            save.mutate(
              { pickupTimeoutHours: value },
              {
                onSuccess: () => void message.success(t('pickup.timeoutSaved')),
                onError: (e) => void message.error(errorMessage(e)),
              },
            )
          }
        >
          {t('pickup.saveTimeout')}
        </Button>
        <Typography.Text type="secondary">{t('pickup.timeoutHint')}</Typography.Text>
      </Space>
    </Card>
  );
}
