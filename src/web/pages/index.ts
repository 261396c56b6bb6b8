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
const IntegrationPage = lazy(() => import('./IntegrationPage').then((m) => ({ default: m.IntegrationPage })));
const CannedPage = lazy(() => import('./CannedPage').then((m) => ({ default: m.CannedPage })));
const MeritPage = lazy(() => import('./MeritPage').then((m) => ({ default: m.MeritPage })));
const LeaderboardPage = lazy(() => import('./LeaderboardPage').then((m) => ({ default: m.LeaderboardPage })));
const CertificationPage = lazy(() => import('./CertificationPage').then((m) => ({ default: m.CertificationPage })));
const CertificationReviewPage = lazy(() => import('./CertificationReviewPage').then((m) => ({ default: m.CertificationReviewPage })));
const MembersAdminPage = lazy(() => import('./MembersAdminPage').then((m) => ({ default: m.MembersAdminPage })));
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
  { path: '/integration', roles: ['admin'], label: 'ig.nav', component: IntegrationPage },
  { path: '/canned', roles: ['agent', 'master', 'supervisor', 'admin'], label: 'canned.nav', component: CannedPage },
  { path: '/merit', roles: ['member'], label: 'mb.nav.merit', component: MeritPage },
  { path: '/leaderboard', roles: ['member'], label: 'mb.nav.leaderboard', component: LeaderboardPage },
  { path: '/certification', roles: ['member'], label: 'mb.nav.certification', component: CertificationPage },
  { path: '/certifications', roles: ['master', 'admin'], label: 'mb.nav.review', component: CertificationReviewPage },
  { path: '/members-admin', roles: ['admin'], label: 'mb.nav.admin', component: MembersAdminPage },
  { path: '/audit', roles: ['admin'], label: 'au.nav', component: AuditPage },
];

/** The first page a role may open (its home). */
export function homeOf(role: Role): string {
  return PAGES.find((p) => p.roles.includes(role))?.path ?? '/';
}
