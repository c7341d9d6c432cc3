import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorMessage, isApiError } from '../../../api/errors';
import { FormAlert, FormModal, showFormErrors } from '../../../shared/antd/components';
import { useUrlParams } from '../../components/useUrlParams';
import { roleLabel, useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { type Guide, type Store, useGuides, useSaveGuide, useSetStoreStaff, useStoreStaff } from './queries';

/** The store's shopping guides (codes and personal QR) and, for managers, who works at the store. */
export function GuidesPanel({ store, canManage }: { store: Store; canManage: boolean }) {
  const t = useT();
  const { shop } = useCurrentShop();
  const guides = useGuides(shop.id, store.id);
  const save = useSaveGuide(shop.id);
  const [, setParams] = useUrlParams();
  const [adding, setAdding] = useState(false);
  const [qr, setQr] = useState<Guide | null>(null);
  const { message } = App.useApp();
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        size="small"
        title={t('guides.title')}
        extra={
          canManage ? (
            <Button type="primary" onClick={() => setAdding(true)} data-testid="guide-add">
              {t('guides.add')}
            </Button>
          ) : null
        }
      >
        <Table<Guide>
          rowKey="id"
          size="middle"
          data-testid="guide-table"
          loading={guides.isPending}
          dataSource={guides.data ?? []}
          pagination={false}
          locale={{ emptyText: t('guides.empty') }}
          columns={[
            { title: t('guides.name'), dataIndex: 'name' },
            {
              title: t('guides.code'),
              render: (_, g) => <Typography.Text code>{g.code}</Typography.Text>,
            },
            {
              title: '',
              render: (_, g) =>
                g.active ? <Tag color="green">{t('guides.active')}</Tag> : <Tag>{t('guides.retire')}</Tag>,
            },
            {
              title: '',
              render: (_, g) => (
                <Space>
                  <Button size="small" onClick={() => setQr(g)}>
                    {t('guides.qr')}
                  </Button>
                  <Button size="small" onClick={() => setParams({ tab: 'shelf', guide: g.code })} disabled={!g.active}>
                    {t('guides.shelf')}
                  </Button>
                  {canManage ? (
                    <Button
                      size="small"
                      type="link"
                      onClick={() =>
                        save.mutate(
                          { id: g.id, active: !g.active },
                          { onError: (e) => void message.error(errorMessage(e)) },
                        )
                      }
                    >
                      {g.active ? t('guides.retire') : t('guides.reactivate')}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {canManage ? <StaffCard store={store} /> : null}
      <AddGuideModal store={store} open={adding} onClose={() => setAdding(false)} />
      <Modal
        open={!!qr}
        footer={null}
        onCancel={() => setQr(null)}
        title={qr ? `${qr.name} · ${qr.code}` : ''}
        width={360}
      >
        {qr ? (
          <div style={{ textAlign: 'center' }}>
            <img src={qr.qr} alt={qr.url} width={260} height={260} />
            <Typography.Paragraph type="secondary" copyable={{ text: qr.url }} style={{ wordBreak: 'break-all' }}>
              {store.name}
            </Typography.Paragraph>
          </div>
        ) : null}
      </Modal>
    </Space>
  );
}

function AddGuideModal({ store, open, onClose }: { store: Store; open: boolean; onClose: () => void }) {
  const t = useT();
  const { shop } = useCurrentShop();
  const staff = useStoreStaff(shop.id, store.id);
  const save = useSaveGuide(shop.id);
  const [form] = Form.useForm<{ name: string; code?: string; accountId?: string }>();
  const [error, setError] = useState<string | null>(null);
  const { message } = App.useApp();
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setError(null);
    save.mutate(
      { name: v.name, code: v.code?.trim() || undefined, accountId: v.accountId || null, locationId: store.id },
      {
        onSuccess: () => {
          void message.success(t('guides.created', { name: v.name }));
          onClose();
        },
        onError: (e) => {
          const detail = showFormErrors(form, e);
          if (!isApiError(e, 400) || !e.fieldErrors.length) setError(detail);
        },
      },
    );
  };
  return (
    <FormModal
      form={form}
      title={t('guides.add')}
      open={open}
      okText={t('guides.add')}
      pending={save.isPending}
      onClose={onClose}
      onOk={() => void submit()}
      onAfterClose={() => setError(null)}
    >
      <FormAlert message={error} />
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="name" label={t('guides.name')} rules={[{ required: true, max: 30 }]}>
          <Input data-testid="guide-name" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('guides.code')}
          extra={t('guides.codeHint')}
          rules={[{ pattern: /^[A-Za-z0-9]{4,12}$/, message: t('guides.codeHint') }]}
        >
          <Input style={{ textTransform: 'uppercase' }} />
        </Form.Item>
        <Form.Item name="accountId" label={t('guides.account')}>
          <Select
            allowClear
            placeholder={t('guides.noAccount')}
            options={(staff.data?.candidates ?? []).map((m) => ({
              value: m.accountId,
              label: `${m.displayName}（${roleLabel(t, m.role)}）`,
            }))}
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

function StaffCard({ store }: { store: Store }) {
  const t = useT();
  const { shop } = useCurrentShop();
  const staff = useStoreStaff(shop.id, store.id);
  const set = useSetStoreStaff(shop.id, store.id);
  const [edited, setChosen] = useState<string[] | null>(null);
  const chosen = edited ?? staff.data?.items.map((s) => s.accountId) ?? [];
  const { message } = App.useApp();
  return (
    <Card size="small" title={t('storeStaff.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('storeStaff.hint')}</Typography.Text>
        <Space.Compact style={{ width: '100%', maxWidth: 640 }}>
          <Select
            mode="multiple"
            style={{ width: '100%' }}
            data-testid="store-staff"
            value={chosen}
            onChange={setChosen}
            loading={staff.isPending}
            options={(staff.data?.candidates ?? []).map((m) => ({
              value: m.accountId,
              label: `${m.displayName}（${roleLabel(t, m.role)}）`,
            }))}
          />
          <Button
            type="primary"
            loading={set.isPending}
            onClick={() =>
              set.mutate(chosen, {
                onSuccess: () => {
                  setChosen(null);
                  void message.success(t('storeStaff.saved'));
                },
                onError: (e) => void message.error(errorMessage(e)),
              })
            }
          >
            {t('storeStaff.save')}
          </Button>
        </Space.Compact>
      </Space>
    </Card>
  );
}
