import { Button, Space } from 'antd-mobile';
import { CheckCircleFill } from 'antd-mobile-icons';
import { useNavigate } from 'react-router-dom';
import { formatDate } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import { accountLabel, useMe } from '../../shared/auth';
import { LoadFailed, Loading } from '../App';
import { TopBar } from '../Brand';
import { useT } from '../i18n';

export function HomePage() {
  const t = useT();
  const locale = useLocale();
  const me = useMe();
  const navigate = useNavigate();
  if (me.isPending) return <Loading />;
  if (me.isError) return <LoadFailed error={me.error} onRetry={() => void me.refetch()} />;
  const account = me.data;
  return (
    <div data-testid="m-home">
      <div className="qd-m-hero">
        <TopBar />
        <h2 data-testid="m-greeting">{account ? t('home.hello', { name: accountLabel(account) }) : t('home.guest')}</h2>
        <p>{account ? t('home.memberSince', { date: formatDate(account.createdAt, locale) }) : t('slogan')}</p>
      </div>
      {account ? (
        <div className="qd-m-card">
          <h3>
            <CheckCircleFill style={{ color: '#00b578', marginRight: 6, verticalAlign: '-2px' }} />
            {t('home.ready')}
          </h3>
          <div className="qd-m-muted">{t('home.readyBody')}</div>
          <Button block color="primary" fill="outline" style={{ marginTop: 14 }} onClick={() => navigate('/me')}>
            {t('home.toMe')}
          </Button>
        </div>
      ) : (
        <div className="qd-m-card">
          <h3>{t('home.guest')}</h3>
          <div className="qd-m-muted">{t('home.guestBody')}</div>
          <Space block direction="vertical" style={{ marginTop: 16, '--gap': '10px' }}>
            <Button block color="primary" shape="rounded" onClick={() => navigate('/register')}>
              {t('home.signUp')}
            </Button>
            <Button block shape="rounded" onClick={() => navigate('/login')}>
              {t('home.signIn')}
            </Button>
          </Space>
        </div>
      )}
    </div>
  );
}
