import type { IndexRows } from '../search/index-extractor';
import type { SearchCondition } from '../search/search-condition';

/**
 * Whether a resource's index rows (IndexExtractor.extract, the same rows a search reads) meet a SMART v2 scope
 * restriction: true, false, or null when the condition uses a kind this cannot evaluate in memory (dates, numbers,
 * strings, chains…), in which case the caller refuses rather than guess. Tokens and references, the parameters
 * restrictions use in practice (`category=vital-signs`, `subject=Patient/1`), compare as the SQL does.
 */
export function rowsMeet(cond: SearchCondition, rows: IndexRows): boolean | null {
  switch (cond.kind) {
    case 'and': {
      let unknown = false;
      for (const item of cond.items) {
        const verdict = rowsMeet(item, rows);
        if (verdict === false) return false;
        if (verdict === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case 'or': {
      let unknown = false;
      for (const item of cond.items) {
        const verdict = rowsMeet(item, rows);
        if (verdict === true) return true;
        if (verdict === null) unknown = true;
      }
      return unknown ? null : false;
    }
    case 'not': {
      const verdict = rowsMeet(cond.item, rows);
      return verdict === null ? null : !verdict;
    }
    case 'none':
      return false;
    case 'token':
      return rows.token.some(
        (row) =>
          row.param === cond.param &&
          cond.values.some(
            (v) => (v.system === undefined || row.system === v.system) && (v.code === undefined || row.code === v.code),
          ),
      );
    case 'reference':
      return rows.reference.some(
        (row) =>
          cond.params.includes(row.param) &&
          cond.values.some((v) => row.targetId === v.id && (v.type === undefined || row.targetType === v.type)),
      );
    default:
      return null;
  }
}
