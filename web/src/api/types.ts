/** Names for the shapes the screens use, all derived from the generated OpenAPI types. */
import type { paths } from './schema';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Success<Rs> = Json<Rs[Extract<keyof Rs, 200 | 201>]>;

/** The JSON body a path and method answer with on success. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer Rs }
  ? Success<Rs>
  : never;

/** The JSON body a path and method accept. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Account = ResponseOf<'/api/auth/me', 'get'>['account'];
export type AccountKind = Account['kind'];
export type RegisterBody = BodyOf<'/api/auth/register', 'post'>;

export type MyShop = ResponseOf<'/api/me/shops', 'get'>['items'][number];
export type Shop = MyShop['shop'];
export type ShopStatus = Shop['status'];
export type Role = MyShop['role'];
export type Permission = MyShop['permissions'][number];
export type MyInvitation = ResponseOf<'/api/me/invitations', 'get'>['items'][number];
export type ShopCategory = ResponseOf<'/api/shop-categories', 'get'>['items'][number];
/** Roles that can be given to staff (every role but owner). */
export type StaffRole = BodyOf<'/api/shops/{shopId}/invitations', 'post'>['role'];
export type ShopApplicationBody = BodyOf<'/api/shop-applications', 'post'>;
export type RoleInfo = ResponseOf<'/api/roles', 'get'>['items'][number];

export type Overview = ResponseOf<'/api/shops/{shopId}/overview', 'get'>;
export type Activity = Overview['activity'][number];
export type Member = ResponseOf<'/api/shops/{shopId}/members', 'get'>['items'][number];
export type ShopInvitation = ResponseOf<'/api/shops/{shopId}/invitations', 'get'>['items'][number];

export type ShopApplication = ResponseOf<'/api/admin/shop-applications', 'get'>['items'][number];
