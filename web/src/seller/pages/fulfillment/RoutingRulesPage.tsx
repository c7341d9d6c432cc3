import {
  ArrowDownOutlined,
  ArrowUpOutlined,
  DeleteOutlined,
  HolderOutlined,
  PlayCircleOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Dropdown,
  Empty,
  Form,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { PageHeader, PageLoading } from '../../../shared/antd/components';
import { useProducts } from '../../commerce';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import {
  explain,
  newRule,
  RULE_KINDS,
  RULE_PARAMS,
  useCities,
  useDryRun,
  useRoutingRules,
  useSaveRules,
  type DryRun,
  type RoutingRule,
} from './api';
import { ExplanationSteps } from './Explanation';

/** The routing rule list: order (drag or arrows), on/off, parameters; saved as a whole. */
function RulesEditor({ shopId }: { shopId: string }) {
  const t = useT();
  const { message } = App.useApp();
  const saved = useRoutingRules(shopId);
  const save = useSaveRules(shopId);
  // The list being edited; null while it equals what is saved.
  const [draft, setRules] = useState<RoutingRule[] | null>(null);
  const [dragging, setDragging] = useState<number | null>(null);

  if (saved.isPending) return <PageLoading />;
  if (saved.isError) return <ShopError error={saved.error} shopId={shopId} onRetry={() => void saved.refetch()} />;
  const rules = draft ?? saved.data;
  const dirty = draft !== null && JSON.stringify(draft) !== JSON.stringify(saved.data);
  const move = (from: number, to: number) => {
    if (to < 0 || to >= rules.length || from === to) return;
    const next = [...rules];
    const [r] = next.splice(from, 1);
    next.splice(to, 0, r!);
    setRules(next);
  };
  const update = (i: number, patch: Partial<RoutingRule>) =>
    setRules(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const missing = RULE_KINDS.filter((k) => !rules.some((r) => r.kind === k));

  return (
    <Card
      title={t('routing.rules')}
      data-testid="routing-rules"
      extra={
        <Space>
          {dirty ? <Tag color="orange">{t('routing.unsaved')}</Tag> : null}
          <Dropdown
            disabled={!missing.length}
            menu={{
              items: missing.map((k) => ({ key: k, label: t(`rule.${k}`) })),
              onClick: ({ key }) => setRules([...rules, newRule(key as RoutingRule['kind'])]),
            }}
          >
            <Button icon={<PlusOutlined />} data-testid="routing-add">
              {t('routing.add')}
            </Button>
          </Dropdown>
        </Space>
      }
      actions={[
        <Button key="reset" disabled={!dirty} onClick={() => setRules(null)}>
          {t('routing.reset')}
        </Button>,
        <Button
          key="save"
          type="primary"
          disabled={!dirty}
          loading={save.isPending}
          data-testid="routing-save"
          onClick={() =>
            save.mutate(rules, {
              onSuccess: () => {
                setRules(null);
                void message.success(t('routing.saved'));
              },
              onError: (e) => void message.error(e.message),
            })
          }
        >
          {t('routing.save')}
        </Button>,
      ]}
    >
      {rules.length === 0 ? <Empty description={t('routing.empty')} /> : null}
      <ol className="qd-rule-list" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {rules.map((r, i) => (
          <li
            key={r.kind}
            draggable
            data-testid="routing-rule"
            data-kind={r.kind}
            onDragStart={() => setDragging(i)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={() => {
              if (dragging !== null) move(dragging, i);
              setDragging(null);
            }}
            onDragEnd={() => setDragging(null)}
            style={{
              display: 'flex',
              gap: 12,
              alignItems: 'flex-start',
              padding: '12px 8px',
              borderBottom: '1px solid #f0f0f0',
              background: dragging === i ? '#e6f4ff' : undefined,
              opacity: r.enabled ? 1 : 0.55,
              cursor: 'grab',
            }}
          >
            <HolderOutlined style={{ marginTop: 5, color: '#999' }} />
            <Tag style={{ marginTop: 2 }}>{i + 1}</Tag>
            <div style={{ flex: 1, minWidth: 0 }}>
              <Typography.Text strong>{t(`rule.${r.kind}`)}</Typography.Text>
              <div className="qd-sub">{t(`rule.${r.kind}.desc`)}</div>
              {RULE_PARAMS[r.kind].length ? (
                <Space wrap style={{ marginTop: 8 }}>
                  {RULE_PARAMS[r.kind].map((p) =>
                    p.boolean ? (
                      <Space key={p.key} size={4}>
                        <span>{explain(t, `param.${p.key}`)}</span>
                        <Switch
                          size="small"
                          checked={(r.params[p.key] ?? 1) === 1}
                          onChange={(v) => update(i, { params: { ...r.params, [p.key]: v ? 1 : 0 } })}
                        />
                      </Space>
                    ) : (
                      <Space key={p.key} size={4} data-testid={`param-${p.key}`}>
                        <span>{explain(t, `param.${p.key}`)}</span>
                        <InputNumber
                          size="small"
                          min={p.min}
                          max={p.max}
                          value={r.params[p.key] ?? p.default}
                          style={{ width: 90 }}
                          onChange={(v) => v !== null && update(i, { params: { ...r.params, [p.key]: v } })}
                        />
                      </Space>
                    ),
                  )}
                </Space>
              ) : null}
            </div>
            <Space size={4}>
              <Switch
                checked={r.enabled}
                checkedChildren={t('routing.enabled')}
                onChange={(enabled) => update(i, { enabled })}
                data-testid="rule-enabled"
              />
              <Button
                size="small"
                type="text"
                icon={<ArrowUpOutlined />}
                aria-label={t('routing.up')}
                disabled={i === 0}
                onClick={() => move(i, i - 1)}
                data-testid="rule-up"
              />
              <Button
                size="small"
                type="text"
                icon={<ArrowDownOutlined />}
                aria-label={t('routing.down')}
                disabled={i === rules.length - 1}
                onClick={() => move(i, i + 1)}
                data-testid="rule-down"
              />
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('routing.remove')}
                onClick={() => setRules(rules.filter((_, j) => j !== i))}
              />
            </Space>
          </li>
        ))}
      </ol>
    </Card>
  );
}

interface DryValues {
  lines: { skuId?: string; quantity: number }[];
  city?: string;
  lat?: number | null;
  lng?: number | null;
}

/** A sample order through the saved rules: the explanation step by step, nothing reserved. */
function DryRunCard({ shopId }: { shopId: string }) {
  const t = useT();
  const [form] = Form.useForm<DryValues>();
  const products = useProducts(shopId, {});
  const cities = useCities(shopId);
  const run = useDryRun(shopId);
  const [result, setResult] = useState<DryRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const skus = useMemo(
    () =>
      (products.data?.pages.flatMap((p) => p.items) ?? []).flatMap((p) =>
        p.skus.map((s) => ({
          value: s.id,
          label: [p.title, Object.values(s.spec).join(' ')].filter(Boolean).join(' · '),
        })),
      ),
    [products.data],
  );
  const skuName = (id: string) => skus.find((s) => s.value === id)?.label ?? id;

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const lines = v.lines.filter((l) => l.skuId).map((l) => ({ skuId: l.skuId!, quantity: l.quantity }));
    if (!lines.length) return setError(t('dry.needLine'));
    const city = cities.data?.find((c) => c.city === v.city);
    const hasCoords = v.lat != null && v.lng != null;
    if (!city && !hasCoords) return setError(t('dry.needCity'));
    setError(null);
    run.mutate(
      {
        lines,
        address: {
          province: city?.province ?? '',
          city: city?.city ?? '',
          ...(hasCoords ? { lat: v.lat!, lng: v.lng! } : {}),
        },
      },
      { onSuccess: setResult, onError: (e) => setError(e.message) },
    );
  };

  const buyer = result?.buyer;
  const region = buyer?.region ?? t('dry.regionUnknown');
  return (
    <Card title={t('dry.title')} data-testid="dry-run">
      <Typography.Paragraph type="secondary">{t('dry.sub')}</Typography.Paragraph>
      <Form<DryValues> form={form} layout="vertical" requiredMark={false} initialValues={{ lines: [{ quantity: 1 }] }}>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'skuId']} label={f.name === 0 ? t('dry.sku') : undefined}>
                    <Select
                      showSearch
                      optionFilterProp="label"
                      placeholder={t('dry.skuPlaceholder')}
                      options={skus}
                      style={{ width: 300 }}
                      data-testid="dry-sku"
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'quantity']} label={f.name === 0 ? t('dry.quantity') : undefined}>
                    <InputNumber min={1} max={9999} style={{ width: 90 }} data-testid="dry-qty" />
                  </Form.Item>
                  {fields.length > 1 ? (
                    <Button
                      type="text"
                      icon={<DeleteOutlined />}
                      onClick={() => remove(f.name)}
                      style={{ marginTop: f.name === 0 ? 30 : 0 }}
                    />
                  ) : null}
                </Space>
              ))}
              <div style={{ marginBottom: 16 }}>
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ quantity: 1 })}
                  data-testid="dry-add-line"
                >
                  {t('dry.addLine')}
                </Button>
              </div>
            </>
          )}
        </Form.List>
        <Space wrap align="start">
          <Form.Item name="city" label={t('dry.city')}>
            <Select
              showSearch
              allowClear
              placeholder={t('dry.cityPlaceholder')}
              style={{ width: 180 }}
              options={(cities.data ?? []).map((c) => ({ value: c.city, label: `${c.city}（${c.province}）` }))}
              data-testid="dry-city"
            />
          </Form.Item>
          <Form.Item name="lat" label={t('dry.lat')}>
            <InputNumber min={-90} max={90} step={0.0001} style={{ width: 130 }} />
          </Form.Item>
          <Form.Item name="lng" label={t('dry.lng')}>
            <InputNumber min={-180} max={180} step={0.0001} style={{ width: 130 }} />
          </Form.Item>
        </Space>
        <div>
          <Button
            type="primary"
            icon={<PlayCircleOutlined />}
            loading={run.isPending}
            onClick={() => void submit()}
            data-testid="dry-run-submit"
          >
            {t('dry.run')}
          </Button>
          <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
            {t('dry.unsavedNote')}
          </Typography.Text>
        </div>
      </Form>
      {error ? <Alert type="error" showIcon message={error} style={{ marginTop: 16 }} /> : null}
      {result ? (
        <div style={{ marginTop: 24 }} data-testid="dry-result">
          <Descriptions column={1} size="small" bordered styles={{ label: { width: 120 } }}>
            <Descriptions.Item label={t('dry.buyer')}>
              {buyer!.source === 'unknown'
                ? t('dry.buyer.unknown')
                : t(buyer!.source === 'address' ? 'dry.buyer.address' : 'dry.buyer.city', {
                    city: buyer!.city || '—',
                    lat: buyer!.lat ?? '',
                    lng: buyer!.lng ?? '',
                    region,
                  })}
            </Descriptions.Item>
            <Descriptions.Item label={t('dry.result')}>
              {result.failure ? (
                <Typography.Text type="danger" data-testid="dry-failure">
                  {explain(t, result.failure)}
                </Typography.Text>
              ) : (
                <div data-testid="dry-parcels">
                  <div>{t('dry.parcels', { count: result.parcels.length })}</div>
                  {result.parcels.map((p) => (
                    <div key={p.locationId} data-testid="dry-parcel">
                      <Tag color="blue">{p.name}</Tag>
                      {p.lines.map((l) => `${skuName(l.skuId)} ×${l.quantity}`).join('，')}
                      {p.distanceKm !== null ? <span className="qd-sub"> · {p.distanceKm} km</span> : null}
                    </div>
                  ))}
                  {result.pool ? <div className="qd-sub">{t('dry.pool', result.pool)}</div> : null}
                </div>
              )}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            {t('dry.steps')}
          </Typography.Title>
          <ExplanationSteps steps={result.steps} testId="dry-steps" />
        </div>
      ) : null}
    </Card>
  );
}

export function RoutingRulesPage() {
  const t = useT();
  const { shop } = useCurrentShop();
  return (
    <div data-testid="routing-page">
      <PageHeader title={t('routing.title')} subtitle={t('routing.sub')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={11}>
          <RulesEditor shopId={shop.id} />
        </Col>
        <Col xs={24} xl={13}>
          <DryRunCard shopId={shop.id} />
        </Col>
      </Row>
    </div>
  );
}
