/**
 * The app's pages: path, who may open it, and its label in the navigation. New pages (the
 * supervisor dashboard, the shift week) are added here with one line each.
 */
import { lazy, type ComponentType } from 'react';
import type { Role } from '../../shared/protocol';
import type { MessageKey } from '../i18n';
import { MemberPage } from './MemberPage';

// Staff pages load on demand, so the member window (also embedded in the shop) stays small.
const DeskPage = lazy(() => import('./DeskPage').then((m) => ({ default: m.DeskPage })));
const SupervisorPage = lazy(() => import('./SupervisorPage').then((m) => ({ default: m.SupervisorPage })));
const DashboardPage = lazy(() => import('./DashboardPage').then((m) => ({ default: m.DashboardPage })));
const ShiftsPage = lazy(() => import('./ShiftsPage').then((m) => ({ default: m.ShiftsPage })));
const ReviewsPage = lazy(() => import('./ReviewsPage').then((m) => ({ default: m.ReviewsPage })));
const DharmaPage = lazy(() => import('./DharmaPage').then((m) => ({ default: m.DharmaPage })));
const AuditPage = lazy(() => import('./AuditPage').then((m) => ({ default: m.AuditPage })));

export interface PageDef {
  path: string;
  roles: readonly Role[];
  label: MessageKey;
  component: ComponentType;
}

export const PAGES: PageDef[] = [
  { path: '/member', roles: ['member'], label: 'nav.member', component: MemberPage },
  { path: '/desk', roles: ['agent', 'master'], label: 'nav.desk', component: DeskPage },
  { path: '/supervisor', roles: ['supervisor', 'admin'], label: 'nav.supervisor', component: SupervisorPage },
  { path: '/dashboard', roles: ['supervisor', 'admin'], label: 'da.nav.dashboard', component: DashboardPage },
  { path: '/shifts', roles: ['supervisor', 'admin'], label: 'da.nav.shifts', component: ShiftsPage },
  { path: '/reviews', roles: ['supervisor', 'admin'], label: 'dh.nav.reviews', component: ReviewsPage },
  { path: '/dharma', roles: ['supervisor', 'admin'], label: 'dh.nav.dharma', component: DharmaPage },
  { path: '/audit', roles: ['admin'], label: 'au.nav', component: AuditPage },
];

/** The first page a role may open (its home). */
export function homeOf(role: Role): string {
  return PAGES.find((p) => p.roles.includes(role))?.path ?? '/';
}
