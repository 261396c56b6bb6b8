/**
 * The app's pages: path, who may open it, and its label in the navigation. New pages (the
 * supervisor dashboard, the shift week) are added here with one line each.
 */
import type { ComponentType } from 'react';
import type { Role } from '../../shared/protocol';
import type { MessageKey } from '../i18n';
import { DashboardPage } from './DashboardPage';
import { DeskPage } from './DeskPage';
import { DharmaPage } from './DharmaPage';
import { MemberPage } from './MemberPage';
import { ReviewsPage } from './ReviewsPage';
import { ShiftsPage } from './ShiftsPage';
import { SupervisorPage } from './SupervisorPage';

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
];

/** The first page a role may open (its home). */
export function homeOf(role: Role): string {
  return PAGES.find((p) => p.roles.includes(role))?.path ?? '/';
}
