import { PrinterOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, Input, Row, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useLocale } from '../../../i18n/react';
import { useUrlParams } from '../../components/useUrlParams';
import { useT } from '../../i18n';
import { formatFen } from '../../money';
import { useCurrentShop } from '../../SellerLayout';
import { type Store, useGuides, useShelfCodes } from './queries';

/**
 * The shelf QR sheet of a store: one code per product on shelf, printable. With a guide chosen,
 * every code carries the guide's code, so what the guide's shoppers buy is credited to them.
 */
export function ShelfCodesPanel({ store }: { store: Store }) {
  const t = useT();
  const locale = useLocale();
  const { shop } = useCurrentShop();
  const [params, setParams] = useUrlParams();
  const guideCode = params.get('guide') ?? '';
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const guides = useGuides(shop.id, store.id);
  const sheet = useShelfCodes(shop.id, store.id, q, guideCode);
  const items = useMemo(() => sheet.data?.pages.flatMap((p) => p.items) ?? [], [sheet.data]);
  const guide = sheet.data?.pages[0]?.guide;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" className="qd-no-print">
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('shelf.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(v) => setQ(v.trim())}
            style={{ width: 240 }}
          />
          <Select
            style={{ minWidth: 200 }}
            value={guideCode}
            aria-label={t('shelf.forGuide')}
            onChange={(v: string) => setParams({ guide: v || undefined })}
            options={[
              { value: '', label: t('shelf.noGuide') },
              ...(guides.data ?? [])
                .filter((g) => g.active)
                .map((g) => ({ value: g.code, label: `${t('shelf.forGuide')}：${g.name}（${g.code}）` })),
            ]}
          />
          <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
            {t('shelf.print')}
          </Button>
          <Typography.Text type="secondary">{t('shelf.sub')}</Typography.Text>
        </Space>
      </Card>
      {items.length === 0 && !sheet.isPending ? <Empty description={t('shelf.empty')} /> : null}
      <Row gutter={[16, 16]} data-testid="shelf-sheet">
        {items.map((p) => (
          <Col key={p.productId} xs={12} md={8} xl={6}>
            <Card size="small" style={{ textAlign: 'center', breakInside: 'avoid' }}>
              <img src={p.qr} alt={p.url} width={148} height={148} style={{ imageRendering: 'pixelated' }} />
              <Typography.Paragraph strong ellipsis={{ rows: 2 }} style={{ margin: '6px 0 2px', minHeight: 44 }}>
                {p.title}
              </Typography.Paragraph>
              <Typography.Text>{formatFen(p.price, locale)}</Typography.Text>
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {store.name} · {t('shelf.storeStock', { n: p.storeAvailable })}
                {guide ? ` · ${guide.name}` : ''}
              </Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      {sheet.hasNextPage ? (
        <Button block type="link" onClick={() => void sheet.fetchNextPage()} loading={sheet.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      ) : null}
    </Space>
  );
}
