import {
  DeleteOutlined,
  EyeOutlined,
  HolderOutlined,
  LoadingOutlined,
  PlayCircleOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { App, Image, Tooltip, Upload } from 'antd';
import type { UploadProps } from 'antd';
import { type DragEvent, type ImgHTMLAttributes, useEffect, useRef, useState } from 'react';
import { upload } from '../../api/client';
import { errorMessage } from '../../api/errors';
import type { ResponseOf } from '../../api/types';
import { useT } from '../i18n';

/** What POST /api/shops/:shopId/media answers. */
export type UploadedMedia = ResponseOf<'/api/shops/{shopId}/media', 'post'>;

export type MediaKind = 'image' | 'video';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif'];
const VIDEO_TYPES = ['video/mp4', 'video/webm', 'video/quicktime'];
const MAX_IMAGE_MB = 10;
const MAX_VIDEO_MB = 100;

/** Checks a file before it is sent; returns the message to show, or null when it may go. */
function refuse(file: File, kind: MediaKind, t: ReturnType<typeof useT>): string | null {
  const types = kind === 'image' ? IMAGE_TYPES : VIDEO_TYPES;
  if (!types.includes(file.type)) return t(kind === 'image' ? 'media.imageType' : 'media.videoType');
  const maxMb = kind === 'image' ? MAX_IMAGE_MB : MAX_VIDEO_MB;
  if (file.size > maxMb * 1024 * 1024) return t('media.tooLarge', { mb: maxMb });
  return null;
}

/** Upload props that send the file to the shop's media endpoint with the session and CSRF header. */
function useMediaUpload(shopId: string, kind: MediaKind, onDone: (media: UploadedMedia) => void) {
  const t = useT();
  const { message } = App.useApp();
  const [pending, setPending] = useState(0);
  const props: UploadProps = {
    accept: (kind === 'image' ? IMAGE_TYPES : VIDEO_TYPES).join(','),
    showUploadList: false,
    beforeUpload: (file) => {
      const why = refuse(file, kind, t);
      if (why) {
        void message.error(why);
        return Upload.LIST_IGNORE;
      }
      return true;
    },
    customRequest: ({ file, onSuccess, onError }) => {
      setPending((n) => n + 1);
      upload<UploadedMedia>(`/api/shops/${encodeURIComponent(shopId)}/media`, file as File)
        .then((media) => {
          onDone(media);
          onSuccess?.(media);
        })
        .catch((e: unknown) => {
          void message.error(t('media.failed', { reason: errorMessage(e) }));
          onError?.(e as Error);
        })
        .finally(() => setPending((n) => n - 1));
    },
  };
  return { props, pending };
}

/**
 * The smaller copy of a stored image: uploads are kept as `…/<id>.webp` with variants
 * `…/<id>_<w>.webp` (w = 200, 480, 960). Other addresses are used as they are.
 */
export function variant(url: string, width: 200 | 480 | 960 = 200): string {
  return /^\/media\/.+\.webp$/.test(url) && !/_(200|480|960)\.webp$/.test(url)
    ? url.replace(/\.webp$/, `_${width}.webp`)
    : url;
}

/** An image shown from its small variant, falling back to the original when there is none. */
export function MediaImg({
  url,
  variantWidth = 200,
  ...rest
}: { url: string; variantWidth?: 200 | 480 | 960 } & Omit<ImgHTMLAttributes<HTMLImageElement>, 'src'>) {
  return (
    <img
      {...rest}
      src={variant(url, variantWidth)}
      onError={(e) => {
        if (e.currentTarget.getAttribute('src') !== url) e.currentTarget.src = url;
      }}
    />
  );
}

/**
 * A product's pictures: upload several, drag to reorder (the first is the main picture), preview,
 * remove. Value and onChange follow antd Form's conventions.
 */
export function ImageListField({
  shopId,
  value = [],
  onChange,
  max = 10,
  testId = 'images-field',
  disabled = false,
}: {
  shopId: string;
  value?: string[];
  onChange?: (urls: string[]) => void;
  max?: number;
  testId?: string;
  disabled?: boolean;
}) {
  const t = useT();
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  // Several files finish one after another; each appends to the latest list.
  const latest = useRef(value);
  useEffect(() => {
    latest.current = value;
  }, [value]);
  const { props, pending } = useMediaUpload(shopId, 'image', (media) => {
    latest.current = [...latest.current, media.url].slice(0, max);
    onChange?.(latest.current);
  });
  const move = (from: number, to: number) => {
    if (from === to) return;
    const next = [...value];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange?.(next);
  };
  const dropOn = (index: number) => (e: DragEvent) => {
    e.preventDefault();
    if (dragging !== null) move(dragging, index);
    setDragging(null);
    setOver(null);
  };
  return (
    <div className="qd-media-grid" data-testid={testId}>
      {value.map((url, i) => (
        <div
          key={`${url}-${i}`}
          className={`qd-media-tile${over === i && dragging !== i ? ' is-over' : ''}${dragging === i ? ' is-dragging' : ''}`}
          draggable={!disabled}
          data-testid="image-tile"
          onDragStart={(e) => {
            setDragging(i);
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', String(i));
          }}
          onDragEnter={() => setOver(i)}
          onDragOver={(e) => e.preventDefault()}
          onDragEnd={() => {
            setDragging(null);
            setOver(null);
          }}
          onDrop={dropOn(i)}
        >
          <MediaImg url={url} alt="" draggable={false} />
          {i === 0 ? <span className="qd-media-badge">{t('media.main')}</span> : null}
          {disabled ? null : (
            <span className="qd-media-handle" aria-hidden>
              <HolderOutlined />
            </span>
          )}
          <div className="qd-media-actions">
            <Tooltip title={t('media.preview')}>
              <EyeOutlined role="button" aria-label={t('media.preview')} onClick={() => setPreview(url)} />
            </Tooltip>
            {disabled ? null : (
              <Tooltip title={t('media.remove')}>
                <DeleteOutlined
                  role="button"
                  aria-label={t('media.remove')}
                  onClick={() => onChange?.(value.filter((_, k) => k !== i))}
                />
              </Tooltip>
            )}
          </div>
        </div>
      ))}
      {Array.from({ length: pending }, (_, i) => (
        <div key={`pending-${i}`} className="qd-media-tile is-pending">
          <LoadingOutlined />
          <span>{t('media.uploading')}</span>
        </div>
      ))}
      {!disabled && value.length + pending < max ? (
        <Upload {...props} multiple>
          <button type="button" className="qd-media-add" data-testid={`${testId}-add`}>
            <PlusOutlined />
            <span>{t('media.add')}</span>
            <small>
              {value.length}/{max}
            </small>
          </button>
        </Upload>
      ) : null}
      <Image
        style={{ display: 'none' }}
        src={preview ?? undefined}
        preview={{ open: !!preview, src: preview ?? undefined, onOpenChange: (open) => !open && setPreview(null) }}
      />
    </div>
  );
}

/** One picture or video (a SKU picture, a detail block, a banner): upload, replace, remove. */
export function SingleMediaField({
  shopId,
  value,
  onChange,
  kind = 'image',
  size = 'default',
  testId,
  disabled = false,
}: {
  shopId: string;
  value?: string | null;
  onChange?: (url: string | null) => void;
  kind?: MediaKind;
  size?: 'small' | 'default' | 'wide';
  testId?: string;
  disabled?: boolean;
}) {
  const t = useT();
  const { props, pending } = useMediaUpload(shopId, kind, (media) => onChange?.(media.url));
  const cls = `qd-media-single is-${size}`;
  return (
    <div className={cls} data-testid={testId}>
      <Upload {...props} disabled={disabled}>
        <button type="button" className="qd-media-single-box" aria-label={t(value ? 'media.replace' : 'media.add')}>
          {pending ? (
            <LoadingOutlined />
          ) : value ? (
            kind === 'video' ? (
              <span className="qd-media-video">
                <video src={value} muted preload="metadata" />
                <PlayCircleOutlined />
              </span>
            ) : (
              <MediaImg url={value} variantWidth={size === 'wide' ? 480 : 200} alt="" />
            )
          ) : (
            <>
              <PlusOutlined />
              {size !== 'small' ? <span>{t(kind === 'video' ? 'media.addVideo' : 'media.add')}</span> : null}
            </>
          )}
        </button>
      </Upload>
      {value && !pending && !disabled ? (
        <Tooltip title={t('media.remove')}>
          <button
            type="button"
            className="qd-media-single-remove"
            aria-label={t('media.remove')}
            onClick={() => onChange?.(null)}
          >
            <DeleteOutlined />
          </button>
        </Tooltip>
      ) : null}
    </div>
  );
}
