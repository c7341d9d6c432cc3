import { ThunderboltOutlined } from '@ant-design/icons';
import { Button, Form, type FormInstance, Input, InputNumber, Space, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { SingleMediaField } from '../../components/MediaField';
import { useT } from '../../i18n';
import { MAX_FEN } from '../../money';
import { firstAxisSpan, type SkuRow, type SpecAxis } from './sku';

export const MAX_SKUS = 600;
export const MAX_STOCK = 10_000_000;
export const BARCODE = /^[0-9A-Za-z-]{4,32}$/;

interface ListField {
  key: number;
  name: number;
}

/** Shows a row's combination (the Form.Item around it carries the API's errors for `skus.N.spec`). */
function SpecCell({ value, index, fallback }: { value?: string[]; index: number; fallback: string }) {
  return <span className="qd-spec-cell">{value && value.length ? value[index] : fallback}</span>;
}

/**
 * The SKU matrix as an editable table: one row per combination, with price, original price,
 * stock, barcode and picture, and a bar that fills price and stock into every row at once.
 */
export function SkuMatrix({
  form,
  shopId,
  axes,
  rows,
  disabled,
}: {
  form: FormInstance;
  shopId: string;
  axes: SpecAxis[];
  rows: SkuRow[];
  disabled?: boolean;
}) {
  const t = useT();
  const [fill, setFill] = useState<{ price?: number | null; originalPrice?: number | null; stock?: number | null }>({});
  const span = firstAxisSpan(axes);
  const hasAxes = axes.length > 0;
  const label = (row: SkuRow | undefined) =>
    row && row.values.length ? row.values.join(' / ') : t('editor.defaultSku');
  const enabledAt = (i: number) => !hasAxes || rows[i]?.enabled !== false;

  const applyFill = () => {
    const current = (form.getFieldValue('skus') ?? []) as SkuRow[];
    const next = current.map((r, i) =>
      enabledAt(i)
        ? {
            ...r,
            ...(fill.price != null ? { price: fill.price } : {}),
            ...(fill.originalPrice != null ? { originalPrice: fill.originalPrice } : {}),
            ...(fill.stock != null ? { stock: fill.stock } : {}),
          }
        : r,
    );
    form.setFieldValue('skus', next);
    // Re-check the cells just filled so old "required" messages go away.
    void form
      .validateFields(
        next.flatMap((_, i) => [
          ['skus', i, 'price'],
          ['skus', i, 'originalPrice'],
          ['skus', i, 'stock'],
        ]),
      )
      .catch(() => undefined);
  };

  const cell = { style: { marginBottom: 0 } };

  return (
    <div data-testid="sku-matrix">
      <div className="qd-batch-bar" data-testid="batch-fill">
        <Typography.Text strong>{t('editor.batchFill')}</Typography.Text>
        <InputNumber
          size="small"
          prefix="¥"
          min={0.01}
          max={MAX_FEN / 100}
          precision={2}
          placeholder={t('editor.price')}
          aria-label={t('editor.batchPrice')}
          value={fill.price}
          onChange={(v) => setFill((f) => ({ ...f, price: v }))}
          disabled={disabled}
          style={{ width: 130 }}
        />
        <InputNumber
          size="small"
          prefix="¥"
          min={0.01}
          max={MAX_FEN / 100}
          precision={2}
          placeholder={t('editor.originalPrice')}
          aria-label={t('editor.batchOriginalPrice')}
          value={fill.originalPrice}
          onChange={(v) => setFill((f) => ({ ...f, originalPrice: v }))}
          disabled={disabled}
          style={{ width: 130 }}
        />
        <InputNumber
          size="small"
          min={0}
          max={MAX_STOCK}
          precision={0}
          placeholder={t('editor.stock')}
          aria-label={t('editor.batchStock')}
          value={fill.stock}
          onChange={(v) => setFill((f) => ({ ...f, stock: v }))}
          disabled={disabled}
          style={{ width: 110 }}
        />
        <Button
          size="small"
          type="primary"
          ghost
          icon={<ThunderboltOutlined />}
          onClick={applyFill}
          disabled={disabled || (fill.price == null && fill.originalPrice == null && fill.stock == null)}
          data-testid="batch-apply"
        >
          {t('editor.batchApply')}
        </Button>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('editor.skuCount', { n: hasAxes ? rows.filter((r) => r.enabled !== false).length : 1 })}
        </Typography.Text>
      </div>
      <Form.List
        name="skus"
        rules={[
          {
            validator: async (_, value?: SkuRow[]) => {
              const n = (value ?? []).filter((r) => !hasAxes || r.enabled !== false).length;
              if (n === 0) throw new Error(t('editor.noSku'));
              if (n > MAX_SKUS) throw new Error(t('editor.tooManySkus', { n: MAX_SKUS }));
            },
          },
        ]}
      >
        {(fields, _ops, { errors }) => {
          const specColumns: ColumnsType<ListField> = hasAxes
            ? axes.map((axis, ai) => ({
                title: axis.name,
                key: `axis-${ai}`,
                width: 110,
                fixed: 'left' as const,
                onCell: (_: ListField, index?: number) =>
                  ai === 0 && axes.length > 1
                    ? { rowSpan: (index ?? 0) % span === 0 ? span : 0, className: 'qd-merged-cell' }
                    : {},
                render: (_: unknown, f: ListField) =>
                  ai === axes.length - 1 ? (
                    <Form.Item name={[f.name, 'values']} {...cell}>
                      <SpecCell index={ai} fallback="" />
                    </Form.Item>
                  ) : (
                    <span className="qd-spec-cell">{rows[f.name]?.values[ai]}</span>
                  ),
              }))
            : [
                {
                  title: t('editor.spec'),
                  key: 'spec',
                  width: 120,
                  render: (_: unknown, f: ListField) => (
                    <Form.Item name={[f.name, 'values']} {...cell}>
                      <SpecCell index={0} fallback={t('editor.defaultSku')} />
                    </Form.Item>
                  ),
                },
              ];
          const columns: ColumnsType<ListField> = [
            ...specColumns,
            ...(hasAxes
              ? [
                  {
                    title: t('editor.sell'),
                    key: 'enabled',
                    width: 70,
                    render: (_: unknown, f: ListField) => (
                      <Form.Item name={[f.name, 'enabled']} valuePropName="checked" {...cell}>
                        <Switch size="small" aria-label={t('editor.sellLabel', { spec: label(rows[f.name]) })} />
                      </Form.Item>
                    ),
                  },
                ]
              : []),
            {
              title: <span className="qd-required-title">{t('editor.priceYuan')}</span>,
              key: 'price',
              width: 150,
              render: (_, f) => (
                <Form.Item
                  name={[f.name, 'price']}
                  {...cell}
                  rules={enabledAt(f.name) ? [{ required: true, message: t('editor.priceRequired') }] : []}
                >
                  <InputNumber
                    prefix="¥"
                    min={0.01}
                    max={MAX_FEN / 100}
                    precision={2}
                    style={{ width: 130 }}
                    disabled={!enabledAt(f.name)}
                    aria-label={t('editor.priceOf', { spec: label(rows[f.name]) })}
                    data-testid={`sku-price-${f.name}`}
                  />
                </Form.Item>
              ),
            },
            {
              title: t('editor.originalPriceYuan'),
              key: 'originalPrice',
              width: 150,
              render: (_, f) => (
                <Form.Item
                  name={[f.name, 'originalPrice']}
                  {...cell}
                  dependencies={[['skus', f.name, 'price']]}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: (_r, v?: number | null) => {
                        const price = getFieldValue(['skus', f.name, 'price']) as number | null | undefined;
                        return enabledAt(f.name) && v != null && price != null && v < price
                          ? Promise.reject(new Error(t('editor.originalBelow')))
                          : Promise.resolve();
                      },
                    }),
                  ]}
                >
                  <InputNumber
                    prefix="¥"
                    min={0.01}
                    max={MAX_FEN / 100}
                    precision={2}
                    style={{ width: 130 }}
                    disabled={!enabledAt(f.name)}
                    aria-label={t('editor.originalPriceOf', { spec: label(rows[f.name]) })}
                    data-testid={`sku-original-${f.name}`}
                  />
                </Form.Item>
              ),
            },
            {
              title: <span className="qd-required-title">{t('editor.stock')}</span>,
              key: 'stock',
              width: 130,
              render: (_, f) => (
                <Form.Item
                  name={[f.name, 'stock']}
                  {...cell}
                  rules={enabledAt(f.name) ? [{ required: true, message: t('editor.stockRequired') }] : []}
                >
                  <InputNumber
                    min={0}
                    max={MAX_STOCK}
                    precision={0}
                    style={{ width: 110 }}
                    disabled={!enabledAt(f.name)}
                    aria-label={t('editor.stockOf', { spec: label(rows[f.name]) })}
                    data-testid={`sku-stock-${f.name}`}
                  />
                </Form.Item>
              ),
            },
            {
              title: t('editor.barcode'),
              key: 'barcode',
              width: 170,
              render: (_, f) => (
                <Form.Item
                  name={[f.name, 'barcode']}
                  {...cell}
                  rules={[{ pattern: BARCODE, message: t('editor.barcodeFormat') }]}
                >
                  <Input
                    maxLength={32}
                    style={{ width: 150 }}
                    disabled={!enabledAt(f.name)}
                    aria-label={t('editor.barcodeOf', { spec: label(rows[f.name]) })}
                    placeholder={t('editor.optional')}
                  />
                </Form.Item>
              ),
            },
            {
              title: t('editor.skuImage'),
              key: 'image',
              width: 90,
              render: (_, f) => (
                <Form.Item name={[f.name, 'imageUrl']} {...cell}>
                  <SingleMediaField shopId={shopId} size="small" testId={`sku-image-${f.name}`} disabled={disabled} />
                </Form.Item>
              ),
            },
          ];
          return (
            <>
              <Table<ListField>
                className="qd-sku-table"
                size="small"
                bordered
                rowKey="key"
                dataSource={fields}
                columns={columns}
                pagination={false}
                scroll={{ x: 'max-content' }}
                rowClassName={(f) => (enabledAt(f.name) ? '' : 'qd-row-off')}
                data-testid="sku-table"
              />
              <Form.ErrorList errors={errors} />
            </>
          );
        }}
      </Form.List>
      {hasAxes ? (
        <Space style={{ marginTop: 8 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('editor.matrixHint')}
          </Typography.Text>
        </Space>
      ) : null}
    </div>
  );
}
