import { z } from 'zod';
import { ConfigError, loadConfig } from '@tp/config';
import { DEV_PREMIUM_PRICE_ID, entitlementEnv, entitlementSettings } from './entitlement-env';

const load = (env: Record<string, string>) => entitlementSettings(loadConfig(z.object(entitlementEnv), env));

describe('PADDLE_PREMIUM_PRICE_IDS', () => {
  it('reads a comma-separated list of Paddle price ids', () => {
    expect(load({ PADDLE_PREMIUM_PRICE_IDS: ' pri_01aaa , pri_01bbb,' }).premiumPriceIds).toEqual(['pri_01aaa', 'pri_01bbb']);
  });

  it('defaults to the price npm run paddle:send sends under development only', () => {
    expect(load({}).premiumPriceIds).toEqual([DEV_PREMIUM_PRICE_ID]);
    expect(load({ NODE_ENV: 'test' }).premiumPriceIds).toEqual([]);
    expect(load({ NODE_ENV: 'development', PADDLE_PREMIUM_PRICE_IDS: '' }).premiumPriceIds).toEqual([]);
  });

  it('refuses to start in production without a price, naming the variable', () => {
    const refused: Array<Record<string, string>> = [{ NODE_ENV: 'production' }, { NODE_ENV: 'production', PADDLE_PREMIUM_PRICE_IDS: ' , ' }];
    for (const env of refused) {
      expect(() => load(env)).toThrow(ConfigError);
      expect(() => load(env)).toThrow(/^Invalid configuration: PADDLE_PREMIUM_PRICE_IDS is missing: /);
    }
    expect(load({ NODE_ENV: 'production', PADDLE_PREMIUM_PRICE_IDS: 'pri_01live' }).premiumPriceIds).toEqual(['pri_01live']);
  });

  it('refuses an item that is not a price id (a product id, a typo)', () => {
    expect(() => load({ PADDLE_PREMIUM_PRICE_IDS: 'pri_01aaa,pro_01product' })).toThrow(/PADDLE_PREMIUM_PRICE_IDS is invalid: every item must be a Paddle price id/);
  });
});
