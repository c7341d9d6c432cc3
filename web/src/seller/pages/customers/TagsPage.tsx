import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../../api/errors';
import { PageHeader } from '../../../shared/antd/components';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { emptyRule, isComplete, RuleBuilder } from './RuleBuilder';
import { type CustomerTag, type Rule, useCreateTag, useDeleteTag, useImportTag, useTags } from './queries';

type Group = Extract<Rule, { kind: 'and' | 'or' }>;
const kindColor: Record<CustomerTag['kind'], string> = {
  system: 'default',
  rule: 'blue',
  manual: 'green',
  import: 'cyan',
};

/** System tags with their values; the merchant's rule, manual and imported tags. */
export function TagsPage() {
  const t = useT();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { shop } = useCurrentShop();
  const tags = useTags(shop.id);
  const del = useDeleteTag(shop.id);
  const [creating, setCreating] = useState<'rule' | 'manual' | null>(null);
  const [importing, setImporting] = useState<{ tagId?: string } | null>(null);

  if (tags.isError && !tags.data)
    return <ShopError error={tags.error} shopId={shop.id} onRetry={() => void tags.refetch()} />;
  const system = (tags.data ?? []).filter((x) => x.kind === 'system');
  const mine = (tags.data ?? []).filter((x) => x.kind !== 'system');
  const valueTags = (tag: CustomerTag) => (
    <Space size={[4, 4]} wrap>
      {tag.values.map((v) => (
        <Tag
          key={v.value}
          style={{ cursor: 'pointer' }}
          onClick={() => navigate(`/shops/${shop.id}/customers?tag=${encodeURIComponent(`${tag.id}=${v.value}`)}`)}
        >
          {tag.kind === 'system' ? `${v.label} · ` : ''}
          {t('tags.members', { n: v.members.toLocaleString() })}
        </Tag>
      ))}
    </Space>
  );
  return (
    <div data-testid="tags-page">
      <PageHeader
        title={t('tags.title')}
        subtitle={t('tags.sub')}
        extra={
          <Space>
            <Button
              icon={<PlusOutlined />}
              type="primary"
              data-testid="tag-new-rule"
              onClick={() => setCreating('rule')}
            >
              {t('tags.newRule')}
            </Button>
            <Button icon={<PlusOutlined />} data-testid="tag-new-manual" onClick={() => setCreating('manual')}>
              {t('tags.newManual')}
            </Button>
            <Button icon={<UploadOutlined />} data-testid="tag-import-new" onClick={() => setImporting({})}>
              {t('tags.importNew')}
            </Button>
          </Space>
        }
      />
      <Card title={t('tags.custom')} style={{ marginBottom: 16 }}>
        <Table<CustomerTag>
          rowKey="id"
          loading={tags.isPending}
          pagination={false}
          dataSource={mine}
          columns={[
            {
              title: t('tags.name'),
              dataIndex: 'name',
              render: (n: string) => <span data-testid="tag-name">{n}</span>,
            },
            {
              title: '',
              dataIndex: 'kind',
              render: (k: CustomerTag['kind']) => <Tag color={kindColor[k]}>{t(`tags.kind.${k}`)}</Tag>,
            },
            { title: '', key: 'values', render: (_, tag) => valueTags(tag) },
            {
              key: 'actions',
              render: (_, tag) => (
                <Space size={0}>
                  {tag.kind !== 'rule' ? (
                    <Button type="link" size="small" onClick={() => setImporting({ tagId: tag.id })}>
                      {t('tags.import')}
                    </Button>
                  ) : null}
                  <Popconfirm
                    title={t('tags.deleteConfirm')}
                    onConfirm={() =>
                      del.mutate(tag.id, {
                        onSuccess: () => void message.success(t('tags.deleted')),
                        onError: (e) => void message.error((e as Error).message),
                      })
                    }
                  >
                    <Button type="link" size="small" danger>
                      {t('tags.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Card title={t('tags.system')}>
        <Table<CustomerTag>
          rowKey="id"
          loading={tags.isPending}
          pagination={false}
          dataSource={system}
          columns={[
            { title: t('tags.name'), dataIndex: 'name', width: 180 },
            { title: '', key: 'values', render: (_, tag) => valueTags(tag) },
          ]}
        />
      </Card>
      {creating ? <CreateTagModal kind={creating} tags={tags.data ?? []} onClose={() => setCreating(null)} /> : null}
      {importing ? <ImportModal tagId={importing.tagId} onClose={() => setImporting(null)} /> : null}
    </div>
  );
}

function CreateTagModal({
  kind,
  tags,
  onClose,
}: {
  kind: 'rule' | 'manual';
  tags: CustomerTag[];
  onClose: () => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const { shop } = useCurrentShop();
  const create = useCreateTag(shop.id);
  const [name, setName] = useState('');
  const [rule, setRule] = useState<Group>(emptyRule());
  const ok = name.trim() && (kind === 'manual' || isComplete(rule));
  return (
    <Modal
      open
      width={kind === 'rule' ? 900 : 480}
      title={kind === 'rule' ? t('tags.newRule') : t('tags.newManual')}
      okButtonProps={{ disabled: !ok }}
      confirmLoading={create.isPending}
      onCancel={onClose}
      onOk={() =>
        create.mutate(kind === 'rule' ? { kind, name: name.trim(), rule } : { kind, name: name.trim() }, {
          onSuccess: (r) => {
            void message.success(t('tags.created', { n: r.members }));
            onClose();
          },
          onError: (e) => void message.error((e as Error).message),
        })
      }
    >
      <Form layout="vertical">
        <Form.Item label={t('tags.name')} required>
          <Input value={name} maxLength={40} onChange={(e) => setName(e.target.value)} data-testid="tag-name-input" />
        </Form.Item>
      </Form>
      {kind === 'rule' ? <RuleBuilder value={rule} onChange={setRule} tags={tags} /> : null}
    </Modal>
  );
}

function ImportModal({ tagId, onClose }: { tagId?: string; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const { shop } = useCurrentShop();
  const run = useImportTag(shop.id);
  const [csv, setCsv] = useState('');
  const [name, setName] = useState('');
  const [partial, setPartial] = useState(false);
  const [lines, setLines] = useState<{ line: number; message: string; value: string }[]>([]);
  const show = (errs: { line: number; message: string; value: string }[]) => setLines(errs);
  return (
    <Modal
      open
      width={640}
      title={tagId ? t('tags.import') : t('tags.importNew')}
      okText={t('tags.import')}
      okButtonProps={{ disabled: !csv.trim() || (!tagId && !name.trim()), 'data-testid': 'tag-import-submit' } as never}
      confirmLoading={run.isPending}
      onCancel={onClose}
      onOk={() =>
        run.mutate(
          { tagId, name: name.trim(), csv, partial },
          {
            onSuccess: (r) => {
              void message.success(t('tags.imported', { n: r.imported, m: r.members }));
              if (r.errors.length) show(r.errors);
              else onClose();
            },
            onError: (e) => {
              if (e instanceof ApiError && e.code === 'customers.import_failed') {
                show(
                  e.fieldErrors.map((f) => ({
                    line: Number(/line\.(\d+)$/.exec(f.field)?.[1] ?? 0),
                    value: '',
                    message: f.message,
                  })),
                );
              } else void message.error((e as Error).message);
            },
          },
        )
      }
    >
      <Form layout="vertical">
        {!tagId ? (
          <Form.Item label={t('tags.name')} required>
            <Input value={name} maxLength={40} onChange={(e) => setName(e.target.value)} />
          </Form.Item>
        ) : null}
        <Form.Item label={t('tags.csv')} extra={t('tags.csvHint')}>
          <Input.TextArea
            rows={8}
            data-testid="tag-import-csv"
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            style={{ fontFamily: 'monospace' }}
          />
        </Form.Item>
        <input
          type="file"
          accept=".csv,text/csv,text/plain"
          aria-label={t('tags.csvFile')}
          onChange={(e) => void e.target.files?.[0]?.text().then(setCsv)}
        />
        <Checkbox checked={partial} onChange={(e) => setPartial(e.target.checked)} style={{ marginTop: 12 }}>
          {t('tags.partial')}
        </Checkbox>
      </Form>
      {lines.length ? (
        <Alert
          style={{ marginTop: 12 }}
          type="error"
          data-testid="tag-import-errors"
          message={t('tags.importFailed', { n: lines.length })}
          description={
            <div style={{ maxHeight: 180, overflow: 'auto' }}>
              {lines.map((l) => (
                <Typography.Text key={l.line} style={{ display: 'block' }}>
                  {t('tags.lineErrors', { line: l.line, message: l.message })}
                </Typography.Text>
              ))}
            </div>
          }
        />
      ) : null}
    </Modal>
  );
}
