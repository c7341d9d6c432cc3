import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Slider,
  Space,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useLocale } from '../../../i18n/react';
import { FormAlert, LoadError, PageHeader, PageLoading, showFormErrors } from '../../../shared/antd/components';
import { SingleMediaField } from '../../components/MediaField';
import { useT } from '../../i18n';
import { useCurrentShop } from '../../SellerLayout';
import {
  HERO_BANNER,
  type Strategy,
  type StrategyInput,
  useProductChoices,
  useSaveStrategy,
  useSetStrategyStatus,
  useStrategy,
  useStrategyOptions,
} from './queries';
import { StrategyStatusTag } from './StrategiesPage';

interface VariantValues {
  id: string;
  name: string;
  content: { imageUrl?: string | null; title?: string | null; link?: string | null; productIds?: string[] };
}
interface Values {
  name: string;
  placement: string;
  priority: number;
  holdoutPercent: number;
  attributionDays: number;
  defaultVariantId: string;
  variants: VariantValues[];
  rules: { segmentId?: string; variantId?: string }[];
}

const blank = (placement: string): Values => ({
  name: '',
  placement,
  priority: 0,
  holdoutPercent: 10,
  attributionDays: 7,
  defaultVariantId: 'v1',
  variants: [{ id: 'v1', name: 'A', content: {} }],
  rules: [],
});

const toValues = (s: Strategy): Values => ({
  name: s.name,
  placement: s.placement,
  priority: s.priority,
  holdoutPercent: s.holdoutPercent,
  attributionDays: s.attributionDays,
  defaultVariantId: s.defaultVariantId,
  variants: s.variants.map((v) => ({ id: v.id, name: v.name, content: v.content as VariantValues['content'] })),
  rules: s.rules,
});

function toInput(v: Values): StrategyInput {
  const banner = v.placement === HERO_BANNER;
  return {
    name: v.name?.trim() ?? '',
    placement: v.placement,
    priority: v.priority ?? 0,
    holdoutPercent: v.holdoutPercent ?? 0,
    attributionDays: v.attributionDays ?? 7,
    defaultVariantId: v.defaultVariantId,
    variants: (v.variants ?? []).map((x) => ({
      id: x.id,
      name: x.name?.trim() ?? '',
      content: banner
        ? {
            imageUrl: x.content?.imageUrl ?? '',
            title: x.content?.title?.trim() || null,
            link: x.content?.link?.trim() || null,
          }
        : { title: x.content?.title?.trim() ?? '', productIds: x.content?.productIds ?? [] },
    })),
    rules: (v.rules ?? []).map((r) => ({ segmentId: r.segmentId ?? '', variantId: r.variantId ?? '' })),
  };
}

/** Creates or edits a strategy: placement, variants with their content, segment rules, holdout. */
export function StrategyEditorPage() {
  const t = useT();
  const { shop } = useCurrentShop();
  const { strategyId } = useParams();
  const existing = useStrategy(shop.id, strategyId);
  const options = useStrategyOptions(shop.id);

  if (options.isPending || (strategyId && existing.isPending)) return <PageLoading />;
  if (options.isError) return <LoadError error={options.error} onRetry={() => void options.refetch()} />;
  if (existing.isError) return <LoadError error={existing.error} onRetry={() => void existing.refetch()} />;
  return (
    <div data-testid="strategy-editor">
      <PageHeader
        title={
          <Space>
            {t(strategyId ? 'strategy.editor.editTitle' : 'strategy.editor.newTitle')}
            {existing.data ? <StrategyStatusTag status={existing.data.status} /> : null}
          </Space>
        }
      />
      <StrategyForm shopId={shop.id} strategy={existing.data} options={options.data} />
    </div>
  );
}

function StrategyForm({
  shopId,
  strategy,
  options,
}: {
  shopId: string;
  strategy: Strategy | undefined;
  options: NonNullable<ReturnType<typeof useStrategyOptions>['data']>;
}) {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const save = useSaveStrategy(shopId, strategy?.id);
  const setStatus = useSetStrategyStatus(shopId);
  const [error, setError] = useState<string | null>(null);
  const readOnly = strategy?.status === 'active' || strategy?.status === 'ended';
  const initial = useMemo(
    () => (strategy ? toValues(strategy) : blank(options.placements[0]?.key ?? HERO_BANNER)),
    [strategy, options.placements],
  );
  useEffect(() => form.setFieldsValue(initial), [form, initial]);
  const placement = (Form.useWatch('placement', form) as string | undefined) ?? initial.placement;
  const variants = ((Form.useWatch('variants', form) as VariantValues[] | undefined) ?? initial.variants).filter(
    Boolean,
  );
  const variantOptions = variants.map((v) => ({ value: v.id, label: v.name || v.id }));

  const submit = (start: boolean) => {
    const input = toInput(form.getFieldsValue(true) as Values);
    setError(null);
    save.mutate(input, {
      onSuccess: (saved) => {
        const done = () => {
          void message.success(t(start ? 'strategy.started' : 'strategy.editor.saved'));
          navigate(`/shops/${shopId}/strategies`);
        };
        if (start)
          setStatus.mutate(
            { id: saved.id, status: 'active' },
            { onSuccess: done, onError: (e) => setError(showFormErrors(form, e)) },
          );
        else done();
      },
      onError: (e) => setError(showFormErrors(form, e)),
    });
  };

  return (
    <Form<Values> form={form} layout="vertical" initialValues={initial} disabled={readOnly}>
      {readOnly ? (
        <Alert type="info" showIcon title={t('strategy.editor.readonly')} style={{ marginBottom: 16 }} />
      ) : null}
      <FormAlert message={error} />
      <Row gutter={[24, 24]}>
        <Col xs={24} xl={16}>
          <Card title={t('strategy.editor.basics')} style={{ marginBottom: 24 }}>
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item
                  name="name"
                  label={t('strategy.editor.name')}
                  rules={[{ required: true, message: t('strategy.editor.required') }]}
                >
                  <Input
                    maxLength={60}
                    placeholder={t('strategy.editor.namePlaceholder')}
                    data-testid="strategy-name-input"
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="placement" label={t('strategy.editor.placement')}>
                  <Select
                    data-testid="strategy-placement"
                    disabled={readOnly || !!strategy}
                    options={options.placements.map((p) => ({ value: p.key, label: p.label[locale] }))}
                  />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="priority" label={t('strategy.editor.priority')} extra={t('strategy.editor.priorityHint')}>
              <InputNumber min={0} max={1000} />
            </Form.Item>
          </Card>

          <Card title={t('strategy.editor.variants')} style={{ marginBottom: 24 }}>
            <Typography.Paragraph type="secondary">{t('strategy.editor.variantsHint')}</Typography.Paragraph>
            <Form.List name="variants">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field, i) => (
                    <Card
                      key={field.key}
                      size="small"
                      style={{ marginBottom: 12 }}
                      data-testid={`variant-${i}`}
                      title={
                        <Form.Item name={[field.name, 'name']} noStyle>
                          <Input
                            maxLength={30}
                            style={{ width: 200 }}
                            aria-label={t('strategy.editor.variantName')}
                            data-testid={`variant-${i}-name`}
                          />
                        </Form.Item>
                      }
                      extra={
                        fields.length > 1 ? (
                          <Tooltip title={t('strategy.editor.removeVariant')}>
                            <Button
                              type="text"
                              icon={<DeleteOutlined />}
                              onClick={() => remove(field.name)}
                              aria-label={t('strategy.editor.removeVariant')}
                            />
                          </Tooltip>
                        ) : null
                      }
                    >
                      {placement === HERO_BANNER ? (
                        <BannerContent shopId={shopId} name={field.name} index={i} />
                      ) : (
                        <ProductsContent shopId={shopId} name={field.name} index={i} />
                      )}
                      <Form.Item name={[field.name, 'id']} hidden>
                        <Input />
                      </Form.Item>
                    </Card>
                  ))}
                  {fields.length < 10 ? (
                    <Button
                      icon={<PlusOutlined />}
                      data-testid="variant-add"
                      onClick={() => {
                        const used = new Set(variants.map((v) => v.id));
                        let n = variants.length + 1;
                        while (used.has(`v${n}`)) n++;
                        add({ id: `v${n}`, name: String.fromCharCode(64 + Math.min(n, 26)), content: {} });
                      }}
                    >
                      {t('strategy.editor.addVariant')}
                    </Button>
                  ) : null}
                </>
              )}
            </Form.List>
            <Form.Item
              name="defaultVariantId"
              label={t('strategy.editor.variantDefault')}
              extra={t('strategy.editor.variantDefaultHint')}
              style={{ marginTop: 16 }}
            >
              <Radio.Group options={variantOptions} data-testid="strategy-default" />
            </Form.Item>
          </Card>

          <Card title={t('strategy.editor.rules')}>
            <Typography.Paragraph type="secondary">{t('strategy.editor.rulesHint')}</Typography.Paragraph>
            {options.segments.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('strategy.editor.noSegments')} />
            ) : null}
            <Form.List name="rules">
              {(fields, { add, remove, move }) => (
                <>
                  {fields.map((field, i) => (
                    <Space
                      key={field.key}
                      align="start"
                      style={{ display: 'flex', marginBottom: 8 }}
                      data-testid={`rule-${i}`}
                    >
                      <Typography.Text type="secondary" style={{ lineHeight: '32px', width: 20 }}>
                        {i + 1}.
                      </Typography.Text>
                      <Form.Item
                        name={[field.name, 'segmentId']}
                        rules={[{ required: true, message: t('strategy.editor.required') }]}
                      >
                        <Select
                          style={{ width: 280 }}
                          placeholder={t('strategy.editor.segmentPlaceholder')}
                          data-testid={`rule-${i}-segment`}
                          showSearch={{ optionFilterProp: 'name' }}
                          options={options.segments.map((s) => ({
                            value: s.id,
                            name: s.name,
                            label: (
                              <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                                <span>{s.name}</span>
                                <Typography.Text type="secondary">
                                  {t('strategy.editor.segmentCount', { n: s.count })}
                                </Typography.Text>
                              </Space>
                            ),
                          }))}
                        />
                      </Form.Item>
                      <Typography.Text style={{ lineHeight: '32px' }}>
                        → {t('strategy.editor.showVariant')}
                      </Typography.Text>
                      <Form.Item
                        name={[field.name, 'variantId']}
                        rules={[{ required: true, message: t('strategy.editor.required') }]}
                      >
                        <Select style={{ width: 160 }} options={variantOptions} data-testid={`rule-${i}-variant`} />
                      </Form.Item>
                      <Button
                        type="text"
                        icon={<ArrowUpOutlined />}
                        disabled={readOnly || i === 0}
                        onClick={() => move(i, i - 1)}
                        aria-label="up"
                      />
                      <Button
                        type="text"
                        icon={<ArrowDownOutlined />}
                        disabled={readOnly || i === fields.length - 1}
                        onClick={() => move(i, i + 1)}
                        aria-label="down"
                      />
                      <Button
                        type="text"
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        aria-label="remove"
                      />
                    </Space>
                  ))}
                  <Button
                    icon={<PlusOutlined />}
                    onClick={() => add({})}
                    disabled={readOnly || options.segments.length === 0}
                    data-testid="rule-add"
                  >
                    {t('strategy.editor.addRule')}
                  </Button>
                </>
              )}
            </Form.List>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={t('strategy.editor.holdout')} style={{ marginBottom: 24 }}>
            {/* antd's Slider does not pass data attributes to its root: the test id is on a wrapper. */}
            <div data-testid="strategy-holdout">
              <Form.Item name="holdoutPercent" extra={t('strategy.editor.holdoutHint')}>
                <Slider
                  min={0}
                  max={50}
                  marks={{ 0: '0%', 10: '10%', 25: '25%', 50: '50%' }}
                  tooltip={{ formatter: (v) => `${v}%` }}
                />
              </Form.Item>
            </div>
            <Form.Item
              name="attributionDays"
              label={t('strategy.editor.attribution')}
              extra={t('strategy.editor.attributionHint')}
            >
              <InputNumber min={1} max={30} />
            </Form.Item>
          </Card>
          {!readOnly ? (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Button
                type="primary"
                block
                loading={save.isPending}
                onClick={() => submit(true)}
                data-testid="strategy-save-start"
              >
                {t('strategy.editor.saveAndStart')}
              </Button>
              <Button block loading={save.isPending} onClick={() => submit(false)} data-testid="strategy-save">
                {t('strategy.editor.save')}
              </Button>
            </Space>
          ) : null}
        </Col>
      </Row>
    </Form>
  );
}

function BannerContent({ shopId, name, index }: { shopId: string; name: number; index: number }) {
  const t = useT();
  return (
    <Row gutter={16}>
      <Col flex="none">
        <Form.Item name={[name, 'content', 'imageUrl']} label={t('strategy.editor.image')}>
          <SingleMediaField shopId={shopId} size="wide" testId={`variant-${index}-image`} />
        </Form.Item>
      </Col>
      <Col flex="auto">
        <Form.Item name={[name, 'content', 'title']} label={t('strategy.editor.bannerTitle')}>
          <Input maxLength={30} data-testid={`variant-${index}-title`} />
        </Form.Item>
        <Form.Item name={[name, 'content', 'link']} label={t('strategy.editor.link')}>
          <Input
            maxLength={500}
            placeholder={t('strategy.editor.linkPlaceholder')}
            data-testid={`variant-${index}-link`}
          />
        </Form.Item>
      </Col>
    </Row>
  );
}

function ProductsContent({ shopId, name, index }: { shopId: string; name: number; index: number }) {
  const t = useT();
  const [q, setQ] = useState('');
  const choices = useProductChoices(shopId, q);
  return (
    <>
      <Form.Item name={[name, 'content', 'title']} label={t('strategy.editor.moduleTitle')}>
        <Input maxLength={30} data-testid={`variant-${index}-title`} />
      </Form.Item>
      <Form.Item name={[name, 'content', 'productIds']} label={t('strategy.editor.products')}>
        <Select
          mode="multiple"
          placeholder={t('strategy.editor.productsPlaceholder')}
          data-testid={`variant-${index}-products`}
          showSearch={{ filterOption: false, onSearch: setQ }}
          loading={choices.isFetching}
          options={(choices.data?.items ?? []).map((p) => ({ value: p.id, label: p.title }))}
          maxCount={20}
        />
      </Form.Item>
    </>
  );
}
