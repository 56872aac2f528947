import { startEntitlementCache } from '@tp/entitlements';
import { startFeatureFlags } from '@tp/feature-flags';
import { runService } from '@tp/http';
import { userService } from './service';

void runService(userService({ flags: startFeatureFlags, accounts: startEntitlementCache }));
