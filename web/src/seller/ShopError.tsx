import { Button, Result } from 'antd';
import { useNavigate } from 'react-router-dom';
import { isApiError } from '../api/errors';
import { Forbidden, LoadError } from '../shared/antd/components';
import { useT } from './i18n';
import { ShopNotFound } from './SellerLayout';

/** What a shop page shows when the API refuses: 403 page, not-found, not-yet-active, or the error's detail. */
export function ShopError({ error, shopId, onRetry }: { error: unknown; shopId: string; onRetry?: () => void }) {
  if (isApiError(error, 403)) return <Forbidden />;
  if (isApiError(error, 404)) return <ShopNotFound />;
  if (isApiError(error, 409, 'shops.not_active')) return <NotActive shopId={shopId} detail={error.problem.detail} />;
  return <LoadError error={error} onRetry={onRetry} />;
}

export function NotActive({ shopId, detail }: { shopId: string; detail?: string }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Result
      status="info"
      title={t('shop.notActiveTitle')}
      subTitle={detail ?? t('home.pendingBody')}
      extra={
        <Button type="primary" onClick={() => navigate(`/shops/${shopId}/home`)}>
          {t('shop.toHome')}
        </Button>
      }
    />
  );
}
