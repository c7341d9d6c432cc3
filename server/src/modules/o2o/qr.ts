import QRCode from 'qrcode';

/** A QR code as an SVG data URL (crisp when printed at any size). */
export async function qrDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** What a pickup's QR encodes: the store screen of the workbench with the code filled in. */
export function pickupVerifyUrl(publicUrl: string, shopId: string, code: string): string {
  return `${publicUrl}/seller/shops/${encodeURIComponent(shopId)}/store?verify=${code}`;
}

/** A shelf code: the product page for shoppers in that store (and credited to a guide). */
export function shelfUrl(
  publicUrl: string,
  shopId: string,
  productId: string,
  locationId: string,
  guideCode?: string | null,
): string {
  const q = new URLSearchParams({ store: locationId, ...(guideCode ? { guide: guideCode } : {}) });
  return `${publicUrl}/m/shops/${encodeURIComponent(shopId)}/products/${encodeURIComponent(productId)}?${q}`;
}

/**
 * The pickup code in what store staff typed or scanned: eight digits, or a verify URL (the
 * pickup QR) carrying `verify=`. Returns the code and, for a URL, the shop it names.
 */
export function parseVerifyInput(input: string): { code: string; shopId?: string } | null {
  const text = input.trim();
  const plain = text.replace(/[\s-]/g, '');
  if (/^\d{8}$/.test(plain)) return { code: plain };
  try {
    const url = new URL(text);
    const code = url.searchParams.get('verify') ?? '';
    const shop = /\/shops\/([^/]+)\/store/.exec(url.pathname)?.[1];
    if (/^\d{8}$/.test(code)) return { code, shopId: shop ? decodeURIComponent(shop) : undefined };
  } catch {
    /* not a URL */
  }
  return null;
}

/** A shopping guide's personal code: the shop's home in the guide's store. */
export function guideUrl(publicUrl: string, shopId: string, locationId: string, guideCode: string): string {
  const q = new URLSearchParams({ store: locationId, guide: guideCode });
  return `${publicUrl}/m/shops/${encodeURIComponent(shopId)}?${q}`;
}
