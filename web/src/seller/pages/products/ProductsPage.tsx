import { AppstoreOutlined, PictureOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Popconfirm, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '../../../api/errors';
import { formatShortDateTime } from '../../../i18n/locale';
import { useLocale } from '../../../i18n/react';
import { PageHeader } from '../../../shared/antd/components';
import {
  type Product,
  type ProductStatus,
  PRODUCT_STATUSES,
  useProducts,
  useSetProductStatus,
  useShopCategories,
} from '../../commerce';
import { MediaImg } from '../../components/MediaField';
import { useT } from '../../i18n';
import { formatFenRange } from '../../money';
import { hasPermission, useCurrentShop } from '../../SellerLayout';
import { ShopError } from '../../ShopError';
import { useUrlParams } from '../../components/useUrlParams';

export const productStatusColor: Record<ProductStatus, string> = {
  on_shelf: 'green',
  off_shelf: 'default',
  draft: 'blue',
  scheduled: 'purple',
};

export function ProductStatusTag({ status }: { status: ProductStatus }) {
  const t = useT();
  return (
    <Tag color={productStatusColor[status]} style={{ marginInlineEnd: 0 }} data-testid="product-status">
      {t(`product.status.${status}`)}
    </Tag>
  );
}

export function ProductThumb({ url, size = 56 }: { url: string | null | undefined; size?: number }) {
  return url ? (
    <MediaImg className="qd-thumb" url={url} alt="" width={size} height={size} />
  ) : (
    <span className="qd-thumb is-empty" style={{ width: size, height: size }}>
      <PictureOutlined />
    </span>
  );
}

export function ProductsPage() {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const membership = useCurrentShop();
  const { shop } = membership;
  const canWrite = hasPermission(membership, 'products.write');
  const [params, updateParams] = useUrlParams();
  const status = (params.get('status') as ProductStatus | null) ?? undefined;
  const q = params.get('q') ?? '';
  const shopCategoryId = params.get('category') ?? undefined;
  const [search, setSearch] = useState(q);
  const [selected, setSelected] = useState<string[]>([]);
  const { message } = App.useApp();
  const query = useMemo(() => ({ status, q: q || undefined, shopCategoryId }), [status, q, shopCategoryId]);
  const products = useProducts(shop.id, query);
  const categories = useShopCategories(shop.id);
  const setStatus = useSetProductStatus(shop.id);
  const rows = useMemo(() => products.data?.pages.flatMap((p) => p.items) ?? [], [products.data]);
  const categoryNames = new Map((categories.data ?? []).map((c) => [c.id, c.name]));

  const update = (patch: Record<string, string | undefined>) => {
    updateParams(patch);
    setSelected([]);
  };

  const bulk = (ids: string[], to: 'on_shelf' | 'off_shelf') =>
    setStatus.mutate(
      { productIds: ids, status: to },
      {
        onSuccess: ({ updated }) => {
          void message.success(t(to === 'on_shelf' ? 'products.putOnDone' : 'products.takeOffDone', { n: updated }));
          setSelected([]);
        },
        onError: (e) => void message.error(errorMessage(e)),
      },
    );

  if (products.isError && !products.data)
    return <ShopError error={products.error} shopId={shop.id} onRetry={() => void products.refetch()} />;

  return (
    <div data-testid="products-page">
      <PageHeader
        title={t('products.title')}
        subtitle={t('products.sub')}
        extra={
          <Space>
            <Button icon={<AppstoreOutlined />} onClick={() => navigate(`/shops/${shop.id}/products/categories`)}>
              {t('nav.shopCategories')}
            </Button>
            {canWrite ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => navigate(`/shops/${shop.id}/products/new`)}
                data-testid="new-product"
              >
                {t('products.new')}
              </Button>
            ) : null}
          </Space>
        }
      />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={status ?? 'all'}
          onChange={(key) => update({ status: key === 'all' ? undefined : key })}
          items={[
            { key: 'all', label: t('products.tab.all') },
            ...PRODUCT_STATUSES.map((s) => ({ key: s, label: t(`products.tab.${s}`) })),
          ]}
        />
        <div className="qd-filter-bar">
          <Input.Search
            allowClear
            style={{ width: 320 }}
            placeholder={t('products.searchPlaceholder')}
            aria-label={t('products.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(value) => update({ q: value.trim() || undefined })}
            enterButton={t('products.search')}
            data-testid="product-search"
          />
          <Select
            allowClear
            style={{ width: 200 }}
            placeholder={t('products.allCategories')}
            aria-label={t('products.category')}
            value={shopCategoryId}
            onChange={(v?: string) => update({ category: v })}
            options={(categories.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setSearch('');
              update({ q: undefined, category: undefined });
            }}
          >
            {t('products.reset')}
          </Button>
        </div>
        {canWrite ? (
          <div className={`qd-bulk-bar${selected.length ? ' is-active' : ''}`} data-testid="bulk-bar">
            <span>{selected.length ? t('products.selected', { n: selected.length }) : t('products.selectHint')}</span>
            <Button
              size="small"
              disabled={!selected.length}
              loading={setStatus.isPending && setStatus.variables?.status === 'on_shelf'}
              onClick={() => bulk(selected, 'on_shelf')}
            >
              {t('products.bulkOn')}
            </Button>
            <Button
              size="small"
              disabled={!selected.length}
              loading={setStatus.isPending && setStatus.variables?.status === 'off_shelf'}
              onClick={() => bulk(selected, 'off_shelf')}
            >
              {t('products.bulkOff')}
            </Button>
          </div>
        ) : null}
        <Table<Product>
          data-testid="products-table"
          rowKey="id"
          loading={products.isFetching && !products.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1080 }}
          rowSelection={
            canWrite
              ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), columnWidth: 44 }
              : undefined
          }
          locale={{ emptyText: t('products.empty') }}
          columns={[
            {
              title: t('products.col.product'),
              key: 'product',
              render: (_, p) => (
                <div className="qd-product-cell">
                  <ProductThumb url={p.images[0]} />
                  <div style={{ minWidth: 0 }}>
                    <Typography.Link
                      strong
                      ellipsis
                      onClick={() => navigate(`/shops/${shop.id}/products/${p.id}/edit`)}
                      data-testid="product-title"
                    >
                      {p.title}
                    </Typography.Link>
                    {p.subtitle ? (
                      <Typography.Text type="secondary" ellipsis style={{ display: 'block', fontSize: 12 }}>
                        {p.subtitle}
                      </Typography.Text>
                    ) : null}
                    <Space size={6} style={{ fontSize: 12, color: 'rgba(0,0,0,.45)' }}>
                      <span>ID {p.id.slice(-8)}</span>
                      {p.shopCategoryId && categoryNames.get(p.shopCategoryId) ? (
                        <Tag bordered={false} style={{ fontSize: 11, lineHeight: '18px' }}>
                          {categoryNames.get(p.shopCategoryId)}
                        </Tag>
                      ) : null}
                    </Space>
                  </div>
                </div>
              ),
            },
            {
              title: t('products.col.price'),
              key: 'price',
              width: 170,
              render: (_, p) => <span className="qd-money">{formatFenRange(p.priceMin, p.priceMax, locale)}</span>,
            },
            {
              title: t('products.col.stock'),
              key: 'stock',
              width: 100,
              align: 'right',
              render: (_, p) => {
                const stock = p.skus.reduce((n, s) => n + s.available, 0);
                return stock === 0 ? (
                  <Typography.Text type="danger">{t('products.soldOut')}</Typography.Text>
                ) : (
                  stock.toLocaleString(locale)
                );
              },
            },
            {
              title: t('products.col.sales'),
              key: 'sales',
              width: 90,
              align: 'right',
              render: (_, p) => p.salesCount.toLocaleString(locale),
            },
            {
              title: t('products.col.status'),
              key: 'status',
              width: 130,
              render: (_, p) => (
                <div>
                  <ProductStatusTag status={p.status} />
                  {p.status === 'scheduled' && p.onShelfAt ? (
                    <div style={{ fontSize: 12, color: 'rgba(0,0,0,.45)', marginTop: 2 }}>
                      {formatShortDateTime(p.onShelfAt, locale)}
                    </div>
                  ) : null}
                </div>
              ),
            },
            {
              title: t('products.col.updated'),
              key: 'updated',
              width: 150,
              render: (_, p) => formatShortDateTime(p.updatedAt, locale),
            },
            {
              title: t('products.col.actions'),
              key: 'actions',
              width: 140,
              fixed: 'right',
              render: (_, p) =>
                canWrite ? (
                  <Space size={0}>
                    <Button
                      type="link"
                      size="small"
                      onClick={() => navigate(`/shops/${shop.id}/products/${p.id}/edit`)}
                    >
                      {t('products.edit')}
                    </Button>
                    {p.status === 'on_shelf' ? (
                      <Popconfirm title={t('products.takeOffConfirm')} onConfirm={() => bulk([p.id], 'off_shelf')}>
                        <Button type="link" size="small">
                          {t('products.takeOff')}
                        </Button>
                      </Popconfirm>
                    ) : (
                      <Tooltip title={p.status === 'scheduled' ? t('products.putOnNowHint') : undefined}>
                        <Button type="link" size="small" onClick={() => bulk([p.id], 'on_shelf')}>
                          {t('products.putOn')}
                        </Button>
                      </Tooltip>
                    )}
                  </Space>
                ) : (
                  <Button type="link" size="small" onClick={() => navigate(`/shops/${shop.id}/products/${p.id}/edit`)}>
                    {t('products.view')}
                  </Button>
                ),
            },
          ]}
        />
        {products.hasNextPage ? (
          <div style={{ padding: 12, textAlign: 'center' }}>
            <Button onClick={() => void products.fetchNextPage()} loading={products.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
