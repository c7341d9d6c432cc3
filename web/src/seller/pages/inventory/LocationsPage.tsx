import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Checkbox,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { PageHeader } from '../../../shared/antd/components';
import { showFormErrors } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import {
  type Channel,
  type Location,
  type LocationBody,
  useChannels,
  useLocations,
  useSaveLocation,
  useSetChannelLocations,
} from './api';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

interface FormValues {
  name: string;
  kind: 'warehouse' | 'store';
  code: string;
  province?: string;
  city?: string;
  district?: string;
  address?: string;
  lat?: number | null;
  lng?: number | null;
  openingHours: { days: number[]; open: string; close: string }[];
  capabilities: ('canShip' | 'canPickup' | 'canSameDay')[];
  priority: number;
  active: boolean;
}

export function CapabilityTags({ l }: { l: Pick<Location, 'canShip' | 'canPickup' | 'canSameDay'> }) {
  const t = useT();
  return (
    <Space size={4} wrap>
      {l.canShip ? <Tag color="blue">{t('inv.cap.ship')}</Tag> : null}
      {l.canPickup ? <Tag color="green">{t('inv.cap.pickup')}</Tag> : null}
      {l.canSameDay ? <Tag color="orange">{t('inv.cap.sameDay')}</Tag> : null}
    </Space>
  );
}

export function HoursText({ hours }: { hours: Location['openingHours'] }) {
  const t = useT();
  if (!hours.length) return <Typography.Text type="secondary">{t('loc.hoursNone')}</Typography.Text>;
  return (
    <span>
      {hours.map((h, i) => (
        <div key={i}>
          {daysText(t, h.days)} {h.open}–{h.close}
        </div>
      ))}
    </span>
  );
}

function daysText(t: ReturnType<typeof useT>, days: number[]) {
  const sorted = [...days].sort();
  const contiguous = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  if (contiguous && sorted.length > 2)
    return `${t(`loc.weekday.${sorted[0]}` as 'loc.weekday.1')}–${t(`loc.weekday.${sorted[sorted.length - 1]}` as 'loc.weekday.1')}`;
  return sorted.map((d) => t(`loc.weekday.${d}` as 'loc.weekday.1')).join('、');
}

export function LocationsPage() {
  const t = useT();
  const membership = useCurrentShop();
  const shopId = membership.shop.id;
  const canWrite = hasPermission(membership, 'stock.write');
  const locations = useLocations(shopId);
  const channels = useChannels(shopId);
  const [editing, setEditing] = useState<Location | 'new' | null>(null);
  const [channel, setChannel] = useState<Channel | null>(null);

  if (locations.isError && !locations.data)
    return <ShopError error={locations.error} shopId={shopId} onRetry={() => void locations.refetch()} />;
  const byId = new Map((locations.data ?? []).map((l) => [l.id, l]));

  return (
    <div data-testid="locations-page">
      <PageHeader
        title={t('loc.title')}
        subtitle={t('loc.sub')}
        extra={
          canWrite ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="location-add">
              {t('loc.add')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Table<Location>
          data-testid="locations-table"
          rowKey="id"
          loading={locations.isPending}
          dataSource={locations.data ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('loc.empty') }}
          columns={[
            {
              title: t('loc.name'),
              render: (_, l) => (
                <Space direction="vertical" size={0}>
                  <Space size={6}>
                    <Typography.Text strong>{l.name}</Typography.Text>
                    {l.isDefault ? <Tag>{t('inv.default')}</Tag> : null}
                    {!l.active ? <Tag color="default">{t('inv.inactive')}</Tag> : null}
                  </Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {l.code}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('loc.kind'),
              render: (_, l) => (
                <Tag color={l.kind === 'store' ? 'magenta' : 'geekblue'}>{t(`inv.kind.${l.kind}`)}</Tag>
              ),
            },
            {
              title: t('loc.address'),
              render: (_, l) => (
                <Space direction="vertical" size={0} style={{ maxWidth: 320 }}>
                  <span>{[l.province, l.city, l.district, l.address].filter(Boolean).join(' ') || '—'}</span>
                  {l.lat !== null && l.lng !== null ? (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {l.lat.toFixed(4)}, {l.lng.toFixed(4)}
                    </Typography.Text>
                  ) : null}
                </Space>
              ),
            },
            { title: t('loc.hours'), render: (_, l) => <HoursText hours={l.openingHours} /> },
            { title: t('loc.capabilities'), render: (_, l) => <CapabilityTags l={l} /> },
            { title: t('loc.priority'), dataIndex: 'priority', align: 'right' },
            ...(canWrite
              ? [
                  {
                    title: '',
                    key: 'edit',
                    render: (_: unknown, l: Location) => (
                      <Button
                        type="link"
                        icon={<EditOutlined />}
                        onClick={() => setEditing(l)}
                        data-testid={`location-edit-${l.code}`}
                      >
                        {t('loc.edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>

      <Card
        title={t('ch.title')}
        style={{ marginTop: 16 }}
        extra={<Typography.Text type="secondary">{t('ch.sub')}</Typography.Text>}
      >
        <Table<Channel>
          data-testid="channels-table"
          rowKey="id"
          loading={channels.isPending}
          dataSource={channels.data ?? []}
          pagination={false}
          columns={[
            {
              title: t('loc.name'),
              render: (_, c) => (
                <Space>
                  <Tag color={c.kind === 'online' ? 'blue' : 'magenta'}>
                    {t(c.kind === 'online' ? 'ch.online' : 'ch.store')}
                  </Tag>
                  {c.name}
                </Space>
              ),
            },
            {
              title: t('inv.location'),
              render: (_, c) => (
                <Space size={4} wrap>
                  {c.allShipLocations ? <Typography.Text type="secondary">{t('ch.allShip')}：</Typography.Text> : null}
                  {c.effectiveLocationIds.map((id) => (
                    <Tag key={id}>{byId.get(id)?.name ?? id}</Tag>
                  ))}
                </Space>
              ),
            },
            ...(canWrite
              ? [
                  {
                    title: '',
                    key: 'edit',
                    render: (_: unknown, c: Channel) => (
                      <Button type="link" onClick={() => setChannel(c)} data-testid={`channel-edit-${c.kind}`}>
                        {t('ch.edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <LocationDrawer shopId={shopId} editing={editing} onClose={() => setEditing(null)} />
      <ChannelModal
        shopId={shopId}
        channel={channel}
        locations={locations.data ?? []}
        onClose={() => setChannel(null)}
      />
    </div>
  );
}

function LocationDrawer({
  shopId,
  editing,
  onClose,
}: {
  shopId: string;
  editing: Location | 'new' | null;
  onClose: () => void;
}) {
  const t = useT();
  const [form] = Form.useForm<FormValues>();
  const save = useSaveLocation(shopId);
  const { message } = App.useApp();
  const existing = editing && editing !== 'new' ? editing : null;

  const initial: FormValues = existing
    ? {
        ...existing,
        capabilities: (['canShip', 'canPickup', 'canSameDay'] as const).filter((k) => existing[k]),
        lat: existing.lat,
        lng: existing.lng,
      }
    : {
        name: '',
        kind: 'warehouse',
        code: '',
        openingHours: [],
        capabilities: ['canShip'],
        priority: 100,
        active: true,
      };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body: LocationBody = {
      name: v.name,
      kind: v.kind,
      code: v.code,
      province: v.province ?? '',
      city: v.city ?? '',
      district: v.district ?? '',
      address: v.address ?? '',
      lat: v.lat ?? null,
      lng: v.lng ?? null,
      openingHours: v.openingHours ?? [],
      canShip: v.capabilities.includes('canShip'),
      canPickup: v.capabilities.includes('canPickup'),
      canSameDay: v.capabilities.includes('canSameDay'),
      priority: v.priority,
      active: v.active,
    };
    save.mutate(
      { id: existing?.id, body },
      {
        onSuccess: (l) => {
          void message.success(existing ? t('inv.saved') : t('loc.created', { name: l.name }));
          onClose();
        },
        onError: (e) => {
          const detail = showFormErrors(form, e);
          if (detail) void message.error(detail);
        },
      },
    );
  };

  return (
    <Drawer
      title={existing ? t('loc.edit') : t('loc.add')}
      open={!!editing}
      onClose={onClose}
      width={560}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('inv.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="location-save">
            {t('inv.save')}
          </Button>
        </Space>
      }
    >
      <Form<FormValues> form={form} layout="vertical" initialValues={initial} data-testid="location-form">
        <Space.Compact block>
          <Form.Item name="kind" label={t('loc.kind')} style={{ width: 140 }}>
            <Select
              options={(['warehouse', 'store'] as const).map((k) => ({ value: k, label: t(`inv.kind.${k}`) }))}
              data-testid="location-kind"
            />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('loc.name')}
            style={{ flex: 1 }}
            rules={[{ required: true, whitespace: true, message: t('loc.required') }, { max: 40 }]}
          >
            <Input data-testid="location-name" />
          </Form.Item>
        </Space.Compact>
        <Form.Item
          name="code"
          label={t('loc.code')}
          extra={t('loc.codeHint')}
          rules={[
            { required: true, message: t('loc.required') },
            { pattern: CODE, message: t('loc.codeRule') },
          ]}
        >
          <Input data-testid="location-code" style={{ width: 240 }} />
        </Form.Item>
        <Form.Item label={t('loc.region')} style={{ marginBottom: 0 }}>
          <Space.Compact block>
            <Form.Item name="province" style={{ flex: 1 }}>
              <Input placeholder={t('loc.province')} data-testid="location-province" />
            </Form.Item>
            <Form.Item name="city" style={{ flex: 1 }}>
              <Input placeholder={t('loc.city')} data-testid="location-city" />
            </Form.Item>
            <Form.Item name="district" style={{ flex: 1 }}>
              <Input placeholder={t('loc.district')} data-testid="location-district" />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        <Form.Item name="address" label={t('loc.address')} rules={[{ max: 120 }]}>
          <Input data-testid="location-address" />
        </Form.Item>
        <Form.Item label={t('loc.coords')} style={{ marginBottom: 0 }}>
          <Space.Compact block>
            <Form.Item
              name="lat"
              style={{ flex: 1 }}
              dependencies={['lng']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, value) =>
                    (value == null) === (getFieldValue('lng') == null)
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('loc.coordsPair'))),
                }),
              ]}
            >
              <InputNumber
                min={-90}
                max={90}
                step={0.0001}
                placeholder={t('loc.lat')}
                style={{ width: '100%' }}
                data-testid="location-lat"
              />
            </Form.Item>
            <Form.Item name="lng" style={{ flex: 1 }}>
              <InputNumber
                min={-180}
                max={180}
                step={0.0001}
                placeholder={t('loc.lng')}
                style={{ width: '100%' }}
                data-testid="location-lng"
              />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        <Form.Item label={t('loc.hours')}>
          <Form.List name="openingHours">
            {(fields, { add, remove }) => (
              <Space direction="vertical" style={{ width: '100%' }}>
                {fields.map((f) => (
                  <Card size="small" key={f.key} data-testid="hours-row">
                    <Form.Item
                      name={[f.name, 'days']}
                      rules={[{ required: true, message: t('loc.required') }]}
                      style={{ marginBottom: 8 }}
                    >
                      <Checkbox.Group
                        options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({
                          value: d,
                          label: t(`loc.weekday.${d}` as 'loc.weekday.1'),
                        }))}
                      />
                    </Form.Item>
                    <Space align="start">
                      <Form.Item
                        name={[f.name, 'open']}
                        rules={[{ required: true, pattern: HHMM, message: 'HH:MM' }]}
                        style={{ marginBottom: 0 }}
                      >
                        <Input placeholder="09:00" style={{ width: 100 }} data-testid="hours-open" />
                      </Form.Item>
                      <span style={{ lineHeight: '32px' }}>–</span>
                      <Form.Item
                        name={[f.name, 'close']}
                        rules={[{ required: true, pattern: HHMM, message: 'HH:MM' }]}
                        style={{ marginBottom: 0 }}
                      >
                        <Input placeholder="21:00" style={{ width: 100 }} data-testid="hours-close" />
                      </Form.Item>
                      <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="remove" />
                    </Space>
                  </Card>
                ))}
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ days: [1, 2, 3, 4, 5, 6, 7], open: '10:00', close: '22:00' })}
                  data-testid="hours-add"
                >
                  {t('loc.hoursAdd')}
                </Button>
              </Space>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="capabilities" label={t('loc.capabilities')}>
          <Checkbox.Group
            data-testid="location-capabilities"
            options={[
              { value: 'canShip', label: t('inv.cap.ship') },
              { value: 'canPickup', label: t('inv.cap.pickup') },
              { value: 'canSameDay', label: t('inv.cap.sameDay') },
            ]}
          />
        </Form.Item>
        <Space size={32}>
          <Form.Item name="priority" label={t('loc.priority')} extra={t('loc.priorityHint')}>
            <InputNumber min={0} max={9999} precision={0} data-testid="location-priority" />
          </Form.Item>
          <Form.Item name="active" label={t('loc.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}

function ChannelModal({
  shopId,
  channel,
  locations,
  onClose,
}: {
  shopId: string;
  channel: Channel | null;
  locations: Location[];
  onClose: () => void;
}) {
  const t = useT();
  const save = useSetChannelLocations(shopId);
  const { message } = App.useApp();
  const [mode, setMode] = useState<'all' | 'list'>('all');
  const [ids, setIds] = useState<string[]>([]);
  return (
    <Modal
      title={channel ? t('ch.editTitle', { name: channel.name }) : ''}
      open={!!channel}
      onCancel={onClose}
      destroyOnHidden
      afterOpenChange={(open) => {
        if (open && channel) {
          setMode(channel.allShipLocations ? 'all' : 'list');
          setIds(channel.allShipLocations ? channel.effectiveLocationIds : channel.locationIds);
        }
      }}
      okText={t('inv.save')}
      cancelText={t('inv.cancel')}
      confirmLoading={save.isPending}
      onOk={() =>
        channel &&
        save.mutate(
          { channelId: channel.id, allShipLocations: mode === 'all', locationIds: mode === 'all' ? [] : ids },
          {
            onSuccess: () => {
              void message.success(t('inv.saved'));
              onClose();
            },
            onError: (e) => void message.error(e.message),
          },
        )
      }
    >
      <Radio.Group
        value={mode}
        onChange={(e) => setMode(e.target.value as 'all' | 'list')}
        style={{ marginBottom: 12 }}
      >
        <Space direction="vertical">
          <Radio value="all">{t('ch.mode.all')}</Radio>
          <Radio value="list">{t('ch.mode.list')}</Radio>
        </Space>
      </Radio.Group>
      <Checkbox.Group
        disabled={mode === 'all'}
        value={ids}
        onChange={(v) => setIds(v as string[])}
        style={{ display: 'flex', flexDirection: 'column', gap: 6, paddingLeft: 24 }}
        options={locations.map((l) => ({
          value: l.id,
          label: `${l.name}（${t(`inv.kind.${l.kind}`)}${l.active ? '' : ' · ' + t('inv.inactive')}）`,
        }))}
      />
    </Modal>
  );
}
