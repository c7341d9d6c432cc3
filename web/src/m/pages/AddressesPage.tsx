import { Button, Dialog, Form, Input, Switch, TextArea, Toast } from 'antd-mobile';
import { AddOutline, EditSOutline } from 'antd-mobile-icons';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { errorMessage, formFieldErrors } from '../../api/errors';
import { useAddresses, useDeleteAddress, useSaveAddress, type AddressBody } from '../api';
import { AddressText, BottomBar, Empty, LoadFailed, Loading, PageBar, toastError } from '../components';
import { safeNext } from '../format';
import { useT } from '../i18n';
import { ErrorNotice } from './LoginPage';

export function AddressesPage() {
  const t = useT();
  const navigate = useNavigate();
  const addresses = useAddresses();
  return (
    <div data-testid="m-addresses">
      <PageBar title={t('address.title')} back="/me" />
      {addresses.isPending ? (
        <Loading />
      ) : addresses.isError ? (
        <LoadFailed error={addresses.error} onRetry={() => void addresses.refetch()} />
      ) : addresses.data.length === 0 ? (
        <Empty title={t('address.none')} description={t('address.noneBody')} />
      ) : (
        <div className="qd-panel qd-panel-flush">
          {addresses.data.map((a) => (
            <div key={a.id} className="qd-address-row" data-testid="address-row">
              <span className="qd-address-avatar">{[...a.name][0]}</span>
              <div style={{ flex: 1, minWidth: 0 }}>
                <div className="qd-address-who">
                  <b>{a.name}</b> <span>{a.phone}</span>
                  {a.isDefault && <span className="qd-tag-default">{t('address.default')}</span>}
                </div>
                <div className="qd-address-line">
                  <AddressText address={a} />
                </div>
              </div>
              <button
                type="button"
                className="qd-icon-btn"
                aria-label={t('address.edit')}
                onClick={() => navigate(`/addresses/${a.id}`)}
              >
                <EditSOutline />
              </button>
            </div>
          ))}
        </div>
      )}
      <BottomBar>
        <Button
          block
          color="primary"
          shape="rounded"
          data-testid="address-add"
          onClick={() => navigate('/addresses/new')}
        >
          <AddOutline /> {t('address.add')}
        </Button>
      </BottomBar>
    </div>
  );
}

type Values = Omit<AddressBody, 'lat' | 'lng'>;

/** An address just added on the way from checkout, for checkout to choose. */
export const PICKED_ADDRESS_KEY = 'qd.m.pickedAddress';

export function takePickedAddress(): string | null {
  try {
    const id = sessionStorage.getItem(PICKED_ADDRESS_KEY);
    sessionStorage.removeItem(PICKED_ADDRESS_KEY);
    return id;
  } catch {
    return null;
  }
}

/** Add or edit an address; with `?next=` it returns there afterwards, with the address chosen. */
export function AddressEditPage() {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const { addressId } = useParams();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const addresses = useAddresses();
  const save = useSaveAddress();
  const remove = useDeleteAddress();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const existing = addressId ? addresses.data?.find((a) => a.id === addressId) : undefined;

  useEffect(() => {
    if (existing) form.setFieldsValue(existing);
  }, [existing, form]);

  const title = addressId ? t('address.editTitle') : t('address.addTitle');
  if (addressId && addresses.isPending) return <Loading />;
  if (addressId && !existing) {
    return (
      <div>
        <PageBar title={title} back="/addresses" />
        {addresses.isError ? (
          <LoadFailed error={addresses.error} onRetry={() => void addresses.refetch()} />
        ) : (
          <Empty title={t('address.missing')} />
        )}
      </div>
    );
  }
  const required = (field: string) => [{ required: true, message: t('required', { field }) }];
  const done = (id: string) => {
    if (!next) return navigate('/addresses', { replace: true });
    // The page that sent us here (checkout) takes the new address.
    try {
      sessionStorage.setItem(PICKED_ADDRESS_KEY, id);
    } catch {
      // it shows the default address instead
    }
    if (location.key !== 'default') navigate(-1);
    else navigate(next, { replace: true });
  };

  return (
    <div data-testid="m-address-edit">
      <PageBar title={title} back={next ?? '/addresses'} />
      <ErrorNotice message={error} />
      <Form
        form={form}
        layout="horizontal"
        mode="card"
        requiredMarkStyle="none"
        initialValues={{ isDefault: false }}
        onFinish={(values) => {
          setError(null);
          const body: AddressBody = {
            name: values.name.trim(),
            phone: values.phone.trim(),
            province: values.province.trim(),
            city: values.city.trim(),
            district: values.district.trim(),
            detail: values.detail.trim(),
            isDefault: !!values.isDefault,
          };
          save.mutate(
            { id: addressId, body },
            {
              onSuccess: (saved) => {
                Toast.show({ icon: 'success', content: t('saved') });
                done(saved.id);
              },
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
            size="large"
            shape="rounded"
            loading={save.isPending}
            data-testid="address-save"
          >
            {t('save')}
          </Button>
        }
      >
        <Form.Item name="name" label={t('address.name')} rules={required(t('address.name'))}>
          <Input placeholder={t('address.namePlaceholder')} maxLength={20} data-testid="address-name" clearable />
        </Form.Item>
        <Form.Item name="phone" label={t('address.phone')} rules={required(t('address.phone'))}>
          <Input type="tel" placeholder={t('address.phonePlaceholder')} data-testid="address-phone" clearable />
        </Form.Item>
        <Form.Item name="province" label={t('address.province')} rules={required(t('address.province'))}>
          <Input placeholder={t('address.provincePlaceholder')} maxLength={20} data-testid="address-province" />
        </Form.Item>
        <Form.Item name="city" label={t('address.city')} rules={required(t('address.city'))}>
          <Input placeholder={t('address.cityPlaceholder')} maxLength={20} data-testid="address-city" />
        </Form.Item>
        <Form.Item name="district" label={t('address.district')} rules={required(t('address.district'))}>
          <Input placeholder={t('address.districtPlaceholder')} maxLength={20} data-testid="address-district" />
        </Form.Item>
        <Form.Item name="detail" label={t('address.detail')} rules={required(t('address.detail'))}>
          <TextArea
            placeholder={t('address.detailPlaceholder')}
            maxLength={120}
            autoSize={{ minRows: 2, maxRows: 4 }}
            data-testid="address-detail"
          />
        </Form.Item>
        <Form.Item
          name="isDefault"
          label={t('address.setDefault')}
          valuePropName="checked"
          childElementPosition="right"
        >
          <Switch />
        </Form.Item>
      </Form>
      {addressId && (
        <div style={{ padding: '0 12px 24px' }}>
          <Button
            block
            shape="rounded"
            color="danger"
            fill="outline"
            loading={remove.isPending}
            onClick={async () => {
              const ok = await Dialog.confirm({
                content: t('address.deleteConfirm'),
                confirmText: t('delete'),
                cancelText: t('cancel'),
              });
              if (!ok) return;
              remove.mutate(addressId, {
                onSuccess: () => {
                  Toast.show({ content: t('deleted') });
                  navigate('/addresses', { replace: true });
                },
                onError: toastError,
              });
            }}
          >
            {t('address.delete')}
          </Button>
        </div>
      )}
    </div>
  );
}
