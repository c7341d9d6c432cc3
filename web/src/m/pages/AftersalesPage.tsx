import { Button, Dialog, Form, Input, Steps, Toast } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { errorMessage, formFieldErrors } from '../../api/errors';
import { formatDateTime } from '../../i18n/locale';
import { useLocale } from '../../i18n/react';
import {
  useAftersale,
  useAftersales,
  useCancelAftersale,
  useOrder,
  useReturnGoods,
  type Aftersale,
  type AftersaleStatus,
} from '../api';
import { BottomBar, Empty, Img, LoadFailed, Loading, PageBar, Price, toastError } from '../components';
import { yuan } from '../format';
import { useT, type MKey } from '../i18n';
import { ErrorNotice } from './LoginPage';

export const caseStatusKey = (s: AftersaleStatus): MKey => `aftersale.status.${s}`;
const typeKey = (type: Aftersale['type']): MKey => `aftersale.type.${type}`;

/** The lines of a case, with titles and pictures from its order. */
function CaseLines({ c }: { c: Aftersale }) {
  const order = useOrder(c.shopId, c.orderId);
  return (
    <>
      {c.lines.map((l) => {
        const line = order.data?.lines.find((x) => x.lineNo === l.lineNo);
        return (
          <div className="qd-line" key={l.lineNo}>
            <Img url={line?.imageUrl} size={200} className="qd-line-img" />
            <div className="qd-line-main">
              <div className="qd-line-title">{line?.title ?? '…'}</div>
              {line?.specText && <div className="qd-line-spec">{line.specText}</div>}
            </div>
            <div className="qd-line-side">
              <Price fen={l.amount} size="sm" color="#333" />
              <span className="qd-line-qty">×{l.quantity}</span>
            </div>
          </div>
        );
      })}
    </>
  );
}

export function AftersalesPage() {
  const t = useT();
  const locale = useLocale();
  const cases = useAftersales();
  return (
    <div data-testid="m-aftersales">
      <PageBar title={t('aftersale.listTitle')} back="/me" />
      {cases.isPending ? (
        <Loading />
      ) : cases.isError ? (
        <LoadFailed error={cases.error} onRetry={() => void cases.refetch()} />
      ) : cases.data.length === 0 ? (
        <Empty title={t('aftersale.none')} />
      ) : (
        cases.data.map((c) => (
          <Link
            key={c.id}
            to={`/aftersales/${c.shopId}/${c.id}`}
            className="qd-panel qd-case-card"
            data-testid="case-card"
            data-status={c.status}
          >
            <div className="qd-panel-head">
              <b>{t(typeKey(c.type))}</b>
              <span className={`qd-case-status qd-case-status-${c.status}`}>{t(caseStatusKey(c.status))}</span>
            </div>
            <CaseLines c={c} />
            <div className="qd-order-sum">
              <span className="qd-m-muted">{formatDateTime(c.createdAt, locale)}</span>
              <span>{t('aftersale.refundAmount')}</span>
              <Price fen={c.amount} size="md" />
              <RightOutline />
            </div>
          </Link>
        ))
      )}
    </div>
  );
}

function statusText(c: Aftersale, t: ReturnType<typeof useT>): string {
  switch (c.status) {
    case 'requested':
      return t('aftersale.hint.requested');
    case 'awaiting_return':
      return t('aftersale.hint.awaiting_return');
    case 'returned':
      return t('aftersale.hint.returned');
    case 'refunding':
      return t('aftersale.hint.refunding');
    case 'refunded':
      return t('aftersale.hint.refunded', { amount: yuan(c.amount) });
    case 'rejected':
      return t('aftersale.hint.rejected', { reason: c.rejectReason ?? '' });
    case 'cancelled':
      return t('aftersale.hint.cancelled');
  }
}

const STEPS: AftersaleStatus[][] = [['requested'], ['awaiting_return', 'returned'], ['refunding'], ['refunded']];

export function AftersaleDetailPage() {
  const { shopId = '', caseId = '' } = useParams();
  const t = useT();
  const locale = useLocale();
  const c = useAftersale(shopId, caseId);
  const cancel = useCancelAftersale();
  const sendBack = useReturnGoods();
  const [form] = Form.useForm<{ carrier: string; trackingNo: string }>();
  const [error, setError] = useState<string | null>(null);

  if (c.isPending) return <Loading />;
  if (c.isError) {
    return (
      <div>
        <PageBar title={t('aftersale.detailTitle')} back="/aftersales" />
        <LoadFailed error={c.error} onRetry={() => void c.refetch()} />
      </div>
    );
  }
  const data = c.data;
  const steps = data.type === 'refund_only' ? STEPS.filter((s) => s[0] !== 'awaiting_return') : STEPS;
  const current = steps.findIndex((s) => s.includes(data.status));
  const stepTitle = (s: AftersaleStatus[]): MKey =>
    s[0] === 'requested'
      ? 'aftersale.step.requested'
      : s[0] === 'awaiting_return'
        ? 'aftersale.step.return'
        : s[0] === 'refunding'
          ? 'aftersale.step.refunding'
          : 'aftersale.step.refunded';

  return (
    <div data-testid="m-aftersale">
      <PageBar title={t('aftersale.detailTitle')} back="/aftersales" />
      <div className={`qd-status-head qd-case-head-${data.status}`}>
        <div className="qd-status-title" data-testid="case-status">
          {t(caseStatusKey(data.status))}
        </div>
        <div className="qd-status-sub">{statusText(data, t)}</div>
      </div>
      {current >= 0 && (
        <div className="qd-panel qd-case-steps">
          <Steps current={current}>
            {steps.map((s) => (
              <Steps.Step key={s[0]} title={t(stepTitle(s))} />
            ))}
          </Steps>
        </div>
      )}

      {data.status === 'awaiting_return' && (
        <div className="qd-panel">
          <div className="qd-panel-head">
            <b>{t('aftersale.returnTitle')}</b>
          </div>
          <div className="qd-m-muted qd-panel-note">{t('aftersale.returnHint')}</div>
          <ErrorNotice message={error} />
          <Form
            form={form}
            layout="horizontal"
            requiredMarkStyle="none"
            onFinish={(values) => {
              setError(null);
              sendBack.mutate(
                { shopId, caseId, body: { carrier: values.carrier.trim(), trackingNo: values.trackingNo.trim() } },
                {
                  onSuccess: () => Toast.show({ icon: 'success', content: t('aftersale.returnSent') }),
                  onError: (e) => {
                    form.setFields(formFieldErrors(e));
                    setError(errorMessage(e));
                  },
                },
              );
            }}
            footer={
              <Button
                block
                type="submit"
                color="primary"
                shape="rounded"
                loading={sendBack.isPending}
                data-testid="return-submit"
              >
                {t('aftersale.returnSubmit')}
              </Button>
            }
          >
            <Form.Item
              name="carrier"
              label={t('aftersale.carrier')}
              rules={[{ required: true, message: t('required', { field: t('aftersale.carrier') }) }]}
            >
              <Input placeholder={t('aftersale.carrierPlaceholder')} maxLength={30} data-testid="return-carrier" />
            </Form.Item>
            <Form.Item
              name="trackingNo"
              label={t('aftersale.trackingNo')}
              rules={[{ required: true, message: t('required', { field: t('aftersale.trackingNo') }) }]}
            >
              <Input placeholder={t('aftersale.trackingNoPlaceholder')} maxLength={32} data-testid="return-tracking" />
            </Form.Item>
          </Form>
        </div>
      )}

      <div className="qd-panel">
        <div className="qd-panel-head">
          <b>{t('aftersale.info')}</b>
        </div>
        <CaseLines c={data} />
        <div className="qd-kv">
          <span>{t('aftersale.type')}</span>
          <span>{t(typeKey(data.type))}</span>
        </div>
        <div className="qd-kv">
          <span>{t('aftersale.reason')}</span>
          <span>{data.reason}</span>
        </div>
        {data.description && (
          <div className="qd-kv">
            <span>{t('aftersale.description')}</span>
            <span className="qd-kv-long">{data.description}</span>
          </div>
        )}
        <div className="qd-kv qd-kv-total">
          <span>{t('aftersale.refundAmount')}</span>
          <Price fen={data.amount} size="md" testId="case-amount" />
        </div>
        {data.shippingRefund > 0 && (
          <div className="qd-kv">
            <span>{t('aftersale.shippingIncluded')}</span>
            <span>¥{yuan(data.shippingRefund)}</span>
          </div>
        )}
        {data.returnCarrier && (
          <div className="qd-kv">
            <span>{t('aftersale.returnTracking')}</span>
            <span>
              {data.returnCarrier} {data.returnTrackingNo}
            </span>
          </div>
        )}
        <div className="qd-kv">
          <span>{t('aftersale.createdAt')}</span>
          <span>{formatDateTime(data.createdAt, locale)}</span>
        </div>
        <Link to={`/orders/${data.shopId}/${data.orderId}`} className="qd-kv qd-kv-link">
          <span>{t('aftersale.viewOrder')}</span>
          <RightOutline />
        </Link>
      </div>

      {(data.status === 'requested' || data.status === 'awaiting_return') && (
        <BottomBar className="qd-order-bar">
          <div className="qd-order-actions qd-order-actions-bar">
            <Button
              shape="rounded"
              loading={cancel.isPending}
              data-testid="case-cancel"
              onClick={async () => {
                const ok = await Dialog.confirm({
                  content: t('aftersale.cancelConfirm'),
                  confirmText: t('aftersale.cancel'),
                  cancelText: t('orders.keep'),
                });
                if (ok) {
                  cancel.mutate(
                    { shopId, caseId },
                    { onSuccess: () => Toast.show({ content: t('aftersale.cancelled') }), onError: toastError },
                  );
                }
              }}
            >
              {t('aftersale.cancel')}
            </Button>
          </div>
        </BottomBar>
      )}
    </div>
  );
}
