import { ArrowLeftOutlined, InfoCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Cascader,
  Col,
  DatePicker,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { errorMessage, formFieldErrors, isApiError } from '../../../api/errors';
import { formatDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { FormAlert, LoadError, PageHeader, PageLoading } from '../../../shared/antd/components';
import {
  categoryPath,
  type DetailBlock,
  type PlatformCategory,
  type Product,
  type ProductInput,
  type ProductStatus,
  usePlatformCategories,
  useProduct,
  useSaveProduct,
  useShopCategories,
} from '../../commerce';
import { ImageListField } from '../../components/MediaField';
import { useT } from '../../i18n';
import { fenToYuan, yuanToFen } from '../../money';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { DetailBlocksEditor, type EditorBlock } from './DetailBlocksEditor';
import { ProductStatusTag } from './ProductsPage';
import { buildMatrix, combinations, completeAxes, type SkuRow, specOf, type SpecAxis } from './sku';
import { SkuMatrix } from './SkuMatrix';
import { SpecAxesEditor } from './SpecEditor';

export const MAX_IMAGES = 10;

interface EditorValues {
  title: string;
  subtitle?: string;
  platformCategoryId?: string[];
  shopCategoryId?: string | null;
  images: string[];
  specAxes: Partial<SpecAxis>[];
  skus: SkuRow[];
  detailBlocks: EditorBlock[];
  status: ProductStatus;
  onShelfAt?: Dayjs | null;
}

const emptyValues: EditorValues = {
  title: '',
  images: [],
  specAxes: [],
  skus: buildMatrix([], []),
  detailBlocks: [],
  status: 'on_shelf',
};

/** A saved product as the editor's values: prices in yuan, every combination a row (unsold ones off). */
function toValues(p: Product, tree: PlatformCategory[]): EditorValues {
  const axes = p.specAxes;
  const sold = new Map(
    p.skus.map((s) => [
      axes.map((a) => s.spec[a.name] ?? '').join('\u0001'),
      {
        enabled: true,
        price: fenToYuan(s.price),
        originalPrice: s.originalPrice != null ? fenToYuan(s.originalPrice) : null,
        stock: s.available,
        barcode: s.barcode,
        imageUrl: s.imageUrl,
      },
    ]),
  );
  const skus = combinations(axes).map((values): SkuRow => {
    const saved = sold.get(values.join('\u0001'));
    return saved
      ? { values, ...saved }
      : { values, enabled: false, price: null, originalPrice: null, stock: null, barcode: null, imageUrl: null };
  });
  return {
    title: p.title,
    subtitle: p.subtitle ?? undefined,
    platformCategoryId: categoryPath(tree, p.platformCategoryId),
    shopCategoryId: p.shopCategoryId,
    images: p.images,
    specAxes: axes,
    skus,
    detailBlocks: p.detailBlocks as EditorBlock[],
    status: p.status,
    onShelfAt: p.onShelfAt ? dayjs(p.onShelfAt) : null,
  };
}

export function ProductEditorPage() {
  const { productId } = useParams();
  const { shop } = useCurrentShop();
  const product = useProduct(shop.id, productId);
  const tree = usePlatformCategories();
  if ((productId && product.isPending) || tree.isPending) return <PageLoading />;
  if (product.isError)
    return <ShopError error={product.error} shopId={shop.id} onRetry={() => void product.refetch()} />;
  if (tree.isError) return <LoadError error={tree.error} onRetry={() => void tree.refetch()} />;
  return <ProductEditor key={productId ?? 'new'} product={product.data} tree={tree.data} />;
}

function ProductEditor({ product, tree }: { product?: Product; tree: PlatformCategory[] }) {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const membership = useCurrentShop();
  const { shop } = membership;
  const canWrite = hasPermission(membership, 'products.write');
  const shopCategories = useShopCategories(shop.id);
  const save = useSaveProduct(shop.id, product?.id);
  const { message } = App.useApp();
  const [form] = Form.useForm<EditorValues>();
  const [alert, setAlert] = useState<string | null>(null);
  const initial = useMemo(() => (product ? toValues(product, tree) : emptyValues), [product, tree]);
  const axesWatch = Form.useWatch('specAxes', form) as Partial<SpecAxis>[] | undefined;
  const rowsWatch = (Form.useWatch('skus', form) as SkuRow[] | undefined) ?? initial.skus;
  const status = (Form.useWatch('status', form) as ProductStatus | undefined) ?? initial.status;
  const axes = useMemo(() => completeAxes(axesWatch ?? initial.specAxes), [axesWatch, initial.specAxes]);
  const listUrl = `/shops/${shop.id}/products`;

  const cascaderOptions = useMemo(() => {
    interface Option {
      value: string;
      label: string;
      children?: Option[];
    }
    const map = (nodes: PlatformCategory[]): Option[] =>
      nodes.map((n) => ({ value: n.id, label: n.name, ...(n.children.length ? { children: map(n.children) } : {}) }));
    return map(tree);
  }, [tree]);

  const submit = () => {
    setAlert(null);
    // Everything in the store, including row data no field renders (the combination of each row).
    const v = form.getFieldsValue(true) as EditorValues;
    const specAxes = completeAxes(v.specAxes);
    // The rows sent, with where each sits in the table (server errors name the index sent).
    const sent = (v.skus ?? [])
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => specAxes.length === 0 || r.enabled !== false);
    const body: ProductInput = {
      title: v.title.trim(),
      subtitle: v.subtitle?.trim() || undefined,
      platformCategoryId: v.platformCategoryId?.[v.platformCategoryId.length - 1] ?? '',
      shopCategoryId: v.shopCategoryId ?? null,
      status: v.status,
      onShelfAt: v.status === 'scheduled' && v.onShelfAt ? v.onShelfAt.toISOString() : undefined,
      specAxes,
      skus: sent.map(({ r }) => ({
        spec: specOf(specAxes, r.values),
        price: yuanToFen(r.price ?? 0),
        originalPrice: r.originalPrice != null ? yuanToFen(r.originalPrice) : null,
        stock: r.stock ?? 0,
        barcode: r.barcode?.trim() || null,
        imageUrl: r.imageUrl || null,
      })),
      images: v.images ?? [],
      detailBlocks: (v.detailBlocks ?? []).map((b): DetailBlock => {
        if (b.type === 'text') return { type: 'text', text: (b.text ?? '').trim() };
        if (b.type === 'image') return { type: 'image', url: b.url ?? '' };
        return { type: 'video', url: b.url ?? '', ...(b.poster ? { poster: b.poster } : {}) };
      }),
    };
    save.mutate(body, {
      onSuccess: (saved) => {
        void message.success(t(product ? 'editor.saved' : 'editor.created', { title: saved.title }));
        navigate(listUrl);
      },
      onError: (e) => {
        setAlert(errorMessage(e));
        if (!isApiError(e, 400)) return;
        // The API names fields as it received them; put each message on the cell that shows it.
        const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
        for (const f of formFieldErrors(e)) {
          const n = f.name;
          let name: (string | number)[] = n;
          if (n[0] === 'skus' && typeof n[1] === 'number') {
            const row = sent[n[1]]?.i ?? n[1];
            const leaf = n[2] === undefined || n[2] === 'spec' ? 'values' : n[2];
            name = ['skus', row, leaf];
          } else if (n[0] === 'images') name = ['images'];
          else if (n[0] === 'specAxes') name = n.length >= 3 ? ['specAxes', n[1]!, n[2]!] : ['specAxes'];
          else if (n[0] === 'detailBlocks') name = n.length >= 3 ? ['detailBlocks', n[1]!, n[2]!] : ['detailBlocks'];
          const key = name.join('.');
          const prior = byName.get(key);
          byName.set(key, { name, errors: [...(prior?.errors ?? []), ...f.errors] });
        }
        const fields = [...byName.values()];
        if (fields.length) {
          form.setFields(fields as Parameters<typeof form.setFields>[0]);
          form.scrollToField(fields[0]!.name, { behavior: 'smooth', block: 'center' });
        }
      },
    });
  };

  return (
    <div data-testid="product-editor">
      <PageHeader
        title={
          <Space>
            <Button
              type="text"
              icon={<ArrowLeftOutlined />}
              aria-label={t('common.back')}
              onClick={() => navigate(listUrl)}
            />
            {product ? (canWrite ? t('editor.editTitle') : t('editor.viewTitle')) : t('editor.newTitle')}
            {product ? <ProductStatusTag status={product.status} /> : null}
          </Space>
        }
        subtitle={
          product
            ? t('editor.editSub', { id: product.id, updated: formatDateTime(product.updatedAt, locale) })
            : t('editor.newSub')
        }
      />
      {!canWrite ? <Alert type="info" showIcon title={t('editor.readOnly')} style={{ marginBottom: 16 }} /> : null}
      <Form<EditorValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        disabled={!canWrite}
        scrollToFirstError={{ behavior: 'smooth', block: 'center' }}
        onFinish={submit}
        onValuesChange={(changed: Partial<EditorValues>, all: EditorValues) => {
          if ('specAxes' in changed) {
            const next = buildMatrix(completeAxes(all.specAxes), (form.getFieldValue('skus') ?? []) as SkuRow[]);
            form.setFieldValue('skus', next);
          }
        }}
        className="qd-editor"
      >
        <FormAlert message={alert} />
        <Card title={t('editor.basic')} className="qd-section" id="basic">
          <Row gutter={24}>
            <Col xs={24} xl={16}>
              <Form.Item
                name="title"
                label={t('editor.title')}
                rules={[
                  { required: true, whitespace: true, message: t('editor.titleRequired') },
                  { min: 2, max: 60, message: t('editor.titleLength') },
                ]}
              >
                <Input showCount maxLength={60} placeholder={t('editor.titlePlaceholder')} />
              </Form.Item>
              <Form.Item name="subtitle" label={t('editor.subtitle')} rules={[{ max: 120 }]}>
                <Input showCount maxLength={120} placeholder={t('editor.subtitlePlaceholder')} />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={24}>
            <Col xs={24} md={12} xl={8}>
              <Form.Item
                name="platformCategoryId"
                label={t('editor.platformCategory')}
                rules={[{ required: true, message: t('editor.platformCategoryRequired') }]}
                tooltip={t('editor.platformCategoryHint')}
              >
                <Cascader
                  options={cascaderOptions}
                  placeholder={t('editor.platformCategoryPlaceholder')}
                  showSearch
                  expandTrigger="hover"
                  data-testid="platform-category"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Form.Item
                name="shopCategoryId"
                label={t('editor.shopCategory')}
                extra={
                  canWrite && shopCategories.data && shopCategories.data.length === 0 ? (
                    <Typography.Link onClick={() => navigate(`/shops/${shop.id}/products/categories`)}>
                      {t('editor.noShopCategories')}
                    </Typography.Link>
                  ) : undefined
                }
              >
                <Select
                  allowClear
                  placeholder={t('editor.shopCategoryPlaceholder')}
                  loading={shopCategories.isPending}
                  options={(shopCategories.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                  data-testid="shop-category"
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card
          title={t('editor.images')}
          className="qd-section"
          id="images"
          extra={<Typography.Text type="secondary">{t('editor.imagesHint', { n: MAX_IMAGES })}</Typography.Text>}
        >
          <Form.Item
            name="images"
            style={{ marginBottom: 0 }}
            rules={[
              {
                validator: (_, v?: string[]) =>
                  (v?.length ?? 0) > MAX_IMAGES
                    ? Promise.reject(new Error(t('editor.imagesMax', { n: MAX_IMAGES })))
                    : Promise.resolve(),
              },
            ]}
          >
            <ImageListField shopId={shop.id} max={MAX_IMAGES} disabled={!canWrite} />
          </Form.Item>
        </Card>

        <Card title={t('editor.specs')} className="qd-section" id="specs">
          <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
            <InfoCircleOutlined /> {t('editor.specsHint')}
          </Typography.Paragraph>
          <SpecAxesEditor disabled={!canWrite} />
          <div style={{ marginTop: 16 }}>
            <SkuMatrix form={form} shopId={shop.id} axes={axes} rows={rowsWatch} disabled={!canWrite} />
          </div>
        </Card>

        <Card title={t('editor.detail')} className="qd-section" id="detail">
          <DetailBlocksEditor shopId={shop.id} disabled={!canWrite} />
        </Card>

        <Card title={t('editor.publish')} className="qd-section" id="publish">
          <Form.Item name="status" label={t('editor.status')} style={{ marginBottom: status === 'scheduled' ? 16 : 0 }}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={(['on_shelf', 'scheduled', 'off_shelf', 'draft'] as const).map((s) => ({
                value: s,
                label: t(`editor.status.${s}`),
              }))}
              data-testid="status-choice"
            />
          </Form.Item>
          {status === 'scheduled' ? (
            <Form.Item
              name="onShelfAt"
              label={t('editor.onShelfAt')}
              style={{ marginBottom: 0 }}
              rules={[
                { required: true, message: t('editor.onShelfAtRequired') },
                {
                  validator: (_, v?: Dayjs | null) =>
                    v && !v.isAfter(dayjs()) ? Promise.reject(new Error(t('editor.onShelfAtPast'))) : Promise.resolve(),
                },
              ]}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
                style={{ width: 240 }}
                data-testid="on-shelf-at"
              />
            </Form.Item>
          ) : null}
        </Card>

        {canWrite ? (
          <div className="qd-footer-bar">
            <span className="qd-footer-bar-info">
              {t('editor.footerInfo', { n: axes.length ? rowsWatch.filter((r) => r.enabled !== false).length : 1 })}
            </span>
            <Space>
              <Button disabled={false} onClick={() => navigate(listUrl)}>
                {t('common.cancel')}
              </Button>
              <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="save-product">
                {product ? t('editor.save') : t('editor.create')}
              </Button>
            </Space>
          </div>
        ) : null}
      </Form>
    </div>
  );
}
