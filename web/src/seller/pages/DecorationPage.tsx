import { Card } from 'antd';
import { PageHeader } from '../../shared/antd/components';
import { useT } from '../i18n';
import { useCurrentShop } from '../SellerLayout';
import { NotActive } from '../ShopError';
import { DecorationForm } from './settings/DecorationForm';

/** Storefront decoration for staff who run marketing but not the shop's settings. */
export function DecorationPage() {
  const t = useT();
  const { shop } = useCurrentShop();
  if (shop.status !== 'active') return <NotActive shopId={shop.id} />;
  return (
    <div data-testid="decoration-page">
      <PageHeader title={t('deco.title')} subtitle={t('deco.sub')} />
      <Card>
        <DecorationForm shopId={shop.id} shopName={shop.name} />
      </Card>
    </div>
  );
}
