import { KeyOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import {
  type Partner,
  type PartnerInput,
  DEFAULT_CALLS_PER_MINUTE,
  MAX_CALLS_PER_MINUTE,
  SIGN_METHODS,
  usePartners,
  useRotateSecret,
  useSavePartner,
  useWarehouses,
} from './queries';

const ROUTER = `${window.location.origin}/router/qimen/service`;

/** The secret, shown once after creating a partner or rotating its secret. */
function SecretModal({ shown, onClose }: { shown: { appKey: string; secret: string } | null; onClose: () => void }) {
  const t = useT();
  return (
    <Modal
      open={!!shown}
      title={t('qimen.secret.title')}
      onCancel={onClose}
      closable={false}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="qimen-secret-done">
          {t('qimen.secret.done')}
        </Button>
      }
    >
      <Alert type="warning" showIcon message={t('qimen.secret.body')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph>
        {t('qimen.secret.appKey')}：
        <Typography.Text code copyable>
          {shown?.appKey}
        </Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph>
        {t('qimen.secret.secret')}：
        <Typography.Text code copyable data-testid="qimen-secret">
          {shown?.secret}
        </Typography.Text>
      </Typography.Paragraph>
    </Modal>
  );
}

function PartnerForm({
  shopId,
  editing,
  open,
  onClose,
  onCreated,
}: {
  shopId: string;
  editing: Partner | null;
  open: boolean;
  onClose: () => void;
  onCreated: (shown: { appKey: string; secret: string }) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<PartnerInput>();
  const warehouses = useWarehouses(shopId);
  const save = useSavePartner(shopId);
  const signMethod = Form.useWatch('signMethod', form);

  const submit = (values: PartnerInput) =>
    save.mutate(
      {
        id: editing?.id,
        input: {
          ...values,
          appKey: values.appKey?.trim() ? values.appKey.trim() : undefined,
          endpointUrl: values.endpointUrl?.trim() ? values.endpointUrl.trim() : null,
          secretAtEndOnly: values.signMethod === 'md5' ? !!values.secretAtEndOnly : false,
        },
      },
      {
        onSuccess: (r) => {
          void message.success(t('qimen.saved'));
          onClose();
          if (r.secret) onCreated({ appKey: r.partner.appKey, secret: r.secret });
        },
        onError: (e) => void message.error((e as Error).message),
      },
    );

  return (
    <Modal
      open={open}
      title={t(editing ? 'qimen.form.editTitle' : 'qimen.form.createTitle')}
      onCancel={onClose}
      okText={t('qimen.form.save')}
      okButtonProps={{ loading: save.isPending, 'data-testid': 'qimen-partner-save' } as ButtonProps}
      onOk={() => form.submit()}
      destroyOnHidden
      width={560}
    >
      <Form<PartnerInput>
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={submit}
        initialValues={
          editing
            ? { ...editing, endpointUrl: editing.endpointUrl ?? '' }
            : {
                signMethod: 'md5',
                secretAtEndOnly: false,
                active: true,
                locationIds: [],
                endpointUrl: '',
                callsPerMinute: DEFAULT_CALLS_PER_MINUTE,
              }
        }
      >
        <Form.Item name="name" label={t('qimen.form.name')} rules={[{ required: true, max: 60 }]}>
          <Input placeholder={t('qimen.form.namePlaceholder')} data-testid="qimen-form-name" />
        </Form.Item>
        <Form.Item name="appKey" label={t('qimen.form.appKey')} extra={t('qimen.form.appKeyHint')}>
          <Input disabled={!!editing} data-testid="qimen-form-appkey" />
        </Form.Item>
        <Form.Item name="customerId" label={t('qimen.form.customerId')} rules={[{ required: true, max: 64 }]}>
          <Input data-testid="qimen-form-customer" />
        </Form.Item>
        <Form.Item name="signMethod" label={t('qimen.form.signMethod')}>
          <Select options={SIGN_METHODS.map((m) => ({ value: m, label: m }))} data-testid="qimen-form-sign" />
        </Form.Item>
        {signMethod === 'md5' ? (
          <Form.Item
            name="secretAtEndOnly"
            label={t('qimen.form.secretAtEndOnly')}
            extra={t('qimen.form.secretAtEndOnlyHint')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
        ) : null}
        <Form.Item name="endpointUrl" label={t('qimen.form.endpointUrl')} extra={t('qimen.form.endpointUrlHint')}>
          <Input placeholder="https://wms.example.com/qimen" data-testid="qimen-form-endpoint" />
        </Form.Item>
        <Form.Item
          name="callsPerMinute"
          label={t('qimen.form.callsPerMinute')}
          extra={t('qimen.form.callsPerMinuteHint')}
          rules={[
            { required: true, message: t('qimen.form.callsPerMinuteInvalid') },
            { type: 'integer', min: 1, max: MAX_CALLS_PER_MINUTE, message: t('qimen.form.callsPerMinuteInvalid') },
          ]}
        >
          <InputNumber
            min={1}
            max={MAX_CALLS_PER_MINUTE}
            precision={0}
            step={1000}
            style={{ width: 240 }}
            suffix={t('qimen.form.perMinute')}
            data-testid="qimen-form-calls"
          />
        </Form.Item>
        <Form.Item name="locationIds" label={t('qimen.form.locations')} extra={t('qimen.form.locationsHint')}>
          <Select
            mode="multiple"
            loading={warehouses.isPending}
            options={(warehouses.data ?? []).map((l) => ({ value: l.id, label: `${l.name}（${l.code}）` }))}
            data-testid="qimen-form-locations"
          />
        </Form.Item>
        <Form.Item name="active" label={t('qimen.form.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The shop's Qimen partners: add, edit (endpoint, warehouses, signing), rotate the secret. */
export function QimenPartnersPage() {
  const t = useT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const partners = usePartners(shop.id);
  const warehouses = useWarehouses(shop.id);
  const rotate = useRotateSecret(shop.id);
  const { message } = App.useApp();
  const [editing, setEditing] = useState<Partner | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [shown, setShown] = useState<{ appKey: string; secret: string } | null>(null);

  if (partners.isError && !partners.data)
    return <ShopError error={partners.error} shopId={shop.id} onRetry={() => void partners.refetch()} />;
  const codeOf = (id: string) => warehouses.data?.find((l) => l.id === id)?.code ?? id;

  return (
    <div data-testid="qimen-partners-page">
      <PageHeader
        title={t('qimen.partners.title')}
        subtitle={t('qimen.partners.sub')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => {
              setEditing(null);
              setFormOpen(true);
            }}
            data-testid="qimen-partner-new"
          >
            {t('qimen.partners.new')}
          </Button>
        }
      />
      <Card>
        <Typography.Paragraph type="secondary">
          {t('qimen.partners.router')}
          <Typography.Text code copyable>
            {ROUTER}
          </Typography.Text>
        </Typography.Paragraph>
        <Table<Partner>
          rowKey="id"
          loading={partners.isPending}
          dataSource={partners.data ?? []}
          pagination={false}
          scroll={{ x: 1400 }}
          locale={{ emptyText: t('qimen.partners.empty') }}
          onRow={(p) => ({ 'data-testid': `qimen-partner-${p.appKey}` }) as object}
          columns={[
            { title: t('qimen.col.name'), dataIndex: 'name', width: 160 },
            {
              title: t('qimen.col.appKey'),
              dataIndex: 'appKey',
              render: (k: string) => (
                <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                  {k}
                </Typography.Text>
              ),
            },
            { title: t('qimen.col.customerId'), dataIndex: 'customerId' },
            {
              title: t('qimen.col.signMethod'),
              dataIndex: 'signMethod',
              render: (m: string, p) => (
                <>
                  {m}
                  {p.secretAtEndOnly ? <Tag style={{ marginLeft: 4 }}>secret@end</Tag> : null}
                </>
              ),
            },
            {
              title: t('qimen.col.callsPerMinute'),
              dataIndex: 'callsPerMinute',
              render: (n: number) => (
                <span style={{ whiteSpace: 'nowrap' }} data-testid="qimen-partner-calls">
                  {t('qimen.callsPerMinute', { n: n.toLocaleString(locale) })}
                </span>
              ),
            },
            { title: t('qimen.col.secret'), dataIndex: 'secretHint' },
            {
              title: t('qimen.col.endpoint'),
              dataIndex: 'endpointUrl',
              render: (u: string | null) =>
                u ? (
                  <Typography.Text copyable>{u}</Typography.Text>
                ) : (
                  <Typography.Text type="secondary">{t('qimen.none')}</Typography.Text>
                ),
            },
            {
              title: t('qimen.col.warehouses'),
              dataIndex: 'locationIds',
              render: (ids: string[]) => ids.map((id) => <Tag key={id}>{codeOf(id)}</Tag>),
            },
            {
              title: t('qimen.col.status'),
              dataIndex: 'active',
              render: (a: boolean) => (
                <Tag color={a ? 'green' : 'default'}>{t(a ? 'qimen.active' : 'qimen.inactive')}</Tag>
              ),
            },
            {
              title: t('qimen.col.actions'),
              key: 'actions',
              fixed: 'right',
              width: 190,
              render: (_: unknown, p) => (
                <Space style={{ whiteSpace: 'nowrap' }}>
                  <a
                    onClick={() => {
                      setEditing(p);
                      setFormOpen(true);
                    }}
                    data-testid="qimen-partner-edit"
                  >
                    {t('qimen.edit')}
                  </a>
                  <Popconfirm
                    title={t('qimen.rotateConfirm')}
                    onConfirm={() =>
                      rotate.mutate(p.id, {
                        onSuccess: (r) => setShown({ appKey: r.partner.appKey, secret: r.secret }),
                        onError: (e) => void message.error((e as Error).message),
                      })
                    }
                  >
                    <a data-testid="qimen-partner-rotate">
                      <KeyOutlined /> {t('qimen.rotate')}
                    </a>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <PartnerForm
        key={editing?.id ?? 'new'}
        shopId={shop.id}
        editing={editing}
        open={formOpen}
        onClose={() => setFormOpen(false)}
        onCreated={setShown}
      />
      <SecretModal shown={shown} onClose={() => setShown(null)} />
    </div>
  );
}
