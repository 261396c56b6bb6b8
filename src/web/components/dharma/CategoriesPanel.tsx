/** Filter categories and what each does (block, flag for review, mask, off); read-only for supervisors. */
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ActionStatus } from './ActionStatus';
import { fetchCategories, FILTER_ACTIONS, setCategoryAction, type Category, type FilterAction } from './dharmaApi';
import { useAdminAction } from './useAdminAction';

/** The categories table. */
export function CategoriesPanel({ editable, onChanged }: { editable: boolean; onChanged?: (c: Category[]) => void }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [cats, setCats] = useState<Category[] | null>(null);
  const { busy, status, error, run } = useAdminAction();

  useEffect(() => {
    void run(() => fetchCategories(api), (c) => {
      setCats(c);
      onChanged?.(c);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);

  const change = (c: Category, action: FilterAction) =>
    run(() => setCategoryAction(api, c.id, action), (all) => {
      setCats(all);
      onChanged?.(all);
      return t('dh.cat.saved', { name: c.name, action: t(`dh.action.${action}`) });
    });

  return (
    <section className="dh-card" aria-labelledby="dh-cat-title">
      <h2 id="dh-cat-title">{t('dh.cat.title')}</h2>
      <p className="muted">{t('dh.cat.help')}</p>
      {!cats && <p role="status">{t('app.loading')}</p>}
      {cats && (
        <div className="dh-scroll">
          <table className="dh-table" data-testid="categories">
            <thead>
              <tr>
                <th scope="col">{t('dh.cat.name')}</th>
                <th scope="col" className="num">{t('dh.cat.terms')}</th>
                <th scope="col">{t('dh.cat.action')}</th>
              </tr>
            </thead>
            <tbody>
              {cats.map((c) => (
                <tr key={c.id} data-category={c.id}>
                  <th scope="row">
                    {c.name} <span className="muted">{c.id}</span>
                  </th>
                  <td className="num">{c.terms}</td>
                  <td>
                    {editable ? (
                      <select aria-label={t('dh.cat.actionOf', { name: c.name })} value={c.action} disabled={busy} onChange={(e) => void change(c, e.target.value as FilterAction)} className={`dh-action dh-action-${c.action}`}>
                        {FILTER_ACTIONS.map((a) => (
                          <option key={a} value={a}>
                            {t(`dh.action.${a}`)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <span className={`dh-pill dh-action-${c.action}`}>{t(`dh.action.${c.action}`)}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ActionStatus status={status} error={error} />
    </section>
  );
}
