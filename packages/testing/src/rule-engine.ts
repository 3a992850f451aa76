import { createHash } from 'node:crypto';

/**
 * Plausible rule-engine answers in the shapes APIAX.md documents (the real schema is not public), computed only
 * from the request body so tests can assert on them.
 */

interface Product {
  productId: string;
  familyId: string;
}

const DEFAULT_REGIMES = ['CHE', 'DEU', 'GBR'] as const;
const ACTION_TYPES = ['permitted', 'permitted-with-restrictions', 'not-permitted'] as const;

/** `POST /api/v3/rules/eval`: one result per regime, one inner result per product, with `path` and `actions`. */
export function evaluateRules(body: Record<string, unknown>): Record<string, unknown> {
  const regimes = stringList(body.regimes);
  const products = productList(body.products);
  const attributes = Array.isArray(body.attributes) ? body.attributes : [];
  const versionFilter = typeof body.versionFilter === 'string' ? body.versionFilter : 'latest';
  return {
    versionFilter,
    results: regimes.map((regime) => ({
      regime,
      ruleSet: ruleSet(regime),
      results: products.map((product) => {
        const type = ACTION_TYPES[digest(`${regime}|${product.familyId}|${product.productId}`) % ACTION_TYPES.length]!;
        return {
          path: [regime, product.familyId, product.productId].join(' > '),
          product,
          actions: [
            {
              actionId: `${regime}-${slug(product.productId)}-${type}`,
              type,
              regime,
              productId: product.productId,
              familyId: product.familyId,
              attributes,
              description: `${product.productId} (${product.familyId}) in ${regime}: ${type.replaceAll('-', ' ')}`,
            },
          ],
        };
      }),
    })),
  };
}

/** `POST /api/v3/rules/inspect`: `properties`, `ruleSets` (id, version, country) and, if asked, `concepts`. */
export function inspectRules(body: Record<string, unknown>): Record<string, unknown> {
  const config = typeof body.config === 'object' && body.config !== null ? (body.config as Record<string, unknown>) : {};
  const requested = stringList(body.regimes);
  const regimes = requested.length > 0 ? requested : [...DEFAULT_REGIMES];
  const products = productList(body.products);
  return {
    correlationId: typeof config.correlationId === 'string' ? config.correlationId : null,
    properties: {
      versionFilter: typeof body.versionFilter === 'string' ? body.versionFilter : 'latest',
      debug: config.debug === true,
      analyzeActions: config.analyzeActions === true,
      regimeCount: regimes.length,
      productCount: products.length,
    },
    ruleSets: regimes.map(ruleSet),
    concepts:
      config.withConcepts === true
        ? [
            { id: 'clientStatus', type: 'enum', values: ['prospect', 'existingClient'] },
            { id: 'clientDomicile', type: 'country' },
            ...products.map((product) => ({ id: slug(product.productId), type: 'product', family: product.familyId })),
          ]
        : [],
  };
}

function ruleSet(country: string): { id: string; version: string; country: string } {
  const hash = digest(country);
  return { id: `rs-${country.toLowerCase()}-${(hash % 9000) + 1000}`, version: `${(hash % 5) + 1}.${hash % 10}.0`, country };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function productList(value: unknown): Product[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .map((item) => ({ productId: String(item.productId ?? ''), familyId: String(item.familyId ?? '') }));
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function digest(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
