import { DownloadOutlined, FileTextOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { errorMessage, isApiError } from '../../../api/errors';
import { useCommonT } from '../../../shared/antd/i18n';
import { useShipCsv } from '../../commerce';
import { useT } from '../../i18n';

const MAX_BYTES = 1_000_000;

interface Line {
  line: number;
  cells: string[];
}

/** Reads a CSV file as text: UTF-8 (with or without BOM), else GBK as Excel in China saves it. */
export async function readCsv(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

function linesOf(csv: string): Line[] {
  return csv
    .split(/\r?\n/)
    .map((text, i) => ({ line: i + 1, cells: text.split(',').map((c) => c.trim()) }))
    .filter((l) => l.cells.some(Boolean));
}

/**
 * Ship many orders at once from a CSV file (order number, carrier, tracking number per line).
 * The server ships all lines or none; when it refuses, each bad line is listed with its reason.
 */
export function CsvShipModal({ shopId, open, onClose }: { shopId: string; open: boolean; onClose: () => void }) {
  const t = useT();
  const c = useCommonT();
  const shipCsv = useShipCsv(shopId);
  const { message } = App.useApp();
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [lineErrors, setLineErrors] = useState<Map<number, string[]>>(new Map());
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setFile(null);
    setLineErrors(new Map());
    setError(null);
    onClose();
  };

  const lines = file ? linesOf(file.text) : [];

  const template = () => {
    const text = `${t('csv.header')}\n20260101000001,顺丰速运,SF1234567890\n`;
    const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = t('csv.templateName');
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const submit = () => {
    if (!file) return;
    setError(null);
    setLineErrors(new Map());
    shipCsv.mutate(file.text, {
      onSuccess: ({ shipped }) => {
        void message.success(t('csv.done', { n: shipped }));
        close();
      },
      onError: (e) => {
        setError(errorMessage(e));
        if (isApiError(e, 400)) {
          const byLine = new Map<number, string[]>();
          for (const f of e.fieldErrors) {
            const m = /^csv\.line\.(\d+)$/.exec(f.field);
            if (m) byLine.set(Number(m[1]), [...(byLine.get(Number(m[1])) ?? []), f.message]);
          }
          setLineErrors(byLine);
        }
      },
    });
  };

  return (
    <Modal
      title={t('csv.title')}
      open={open}
      onCancel={close}
      width={760}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={close}>{c('cancel')}</Button>
          <Button
            type="primary"
            disabled={!file || lines.length === 0}
            loading={shipCsv.isPending}
            onClick={submit}
            data-testid="csv-submit"
          >
            {t('csv.submit', { n: lines.length })}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">
        {t('csv.intro')}{' '}
        <Typography.Link onClick={template}>
          <DownloadOutlined /> {t('csv.template')}
        </Typography.Link>
      </Typography.Paragraph>
      <Upload.Dragger
        accept=".csv,text/csv,text/plain"
        showUploadList={false}
        multiple={false}
        beforeUpload={(f) => {
          if (f.size > MAX_BYTES) {
            void message.error(t('csv.tooLarge'));
            return Upload.LIST_IGNORE;
          }
          void readCsv(f).then((text) => {
            setFile({ name: f.name, text });
            setLineErrors(new Map());
            setError(null);
          });
          return false;
        }}
        data-testid="csv-dropzone"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('csv.drop')}</p>
        <p className="ant-upload-hint">{t('csv.dropHint')}</p>
      </Upload.Dragger>
      {file ? (
        <div style={{ marginTop: 16 }}>
          <Space style={{ marginBottom: 8 }}>
            <FileTextOutlined />
            <Typography.Text strong data-testid="csv-file">
              {file.name}
            </Typography.Text>
            <Typography.Text type="secondary">{t('csv.lines', { n: lines.length })}</Typography.Text>
          </Space>
          {error ? (
            <Alert
              type="error"
              showIcon
              title={error}
              description={lineErrors.size ? t('csv.nothingShipped') : undefined}
              style={{ marginBottom: 12 }}
              role="alert"
            />
          ) : null}
          <Table<Line>
            size="small"
            rowKey="line"
            dataSource={lines}
            pagination={lines.length > 8 ? { pageSize: 8, size: 'small' } : false}
            rowClassName={(l) => (lineErrors.has(l.line) ? 'qd-row-error' : '')}
            data-testid="csv-preview"
            columns={[
              { title: t('csv.line'), key: 'line', width: 60, render: (_, l) => l.line },
              { title: t('orders.orderNo'), key: 'orderNo', render: (_, l) => l.cells[0] },
              { title: t('ship.carrier'), key: 'carrier', render: (_, l) => l.cells[1] },
              { title: t('ship.trackingNo'), key: 'trackingNo', render: (_, l) => l.cells[2] },
              {
                title: t('csv.check'),
                key: 'check',
                width: 260,
                render: (_, l) =>
                  lineErrors.has(l.line) ? (
                    <Typography.Text type="danger" data-testid="csv-line-error">
                      {lineErrors.get(l.line)!.join('；')}
                    </Typography.Text>
                  ) : lineErrors.size ? (
                    <Tag color="green">{t('csv.lineOk')}</Tag>
                  ) : null,
              },
            ]}
          />
        </div>
      ) : null}
    </Modal>
  );
}
