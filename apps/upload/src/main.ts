import { startEntitlementCache } from '@tp/entitlements';
import { startFeatureFlags } from '@tp/feature-flags';
import { runService } from '@tp/http';
import { uploadService } from './service';

void runService(uploadService({ flags: startFeatureFlags, accounts: startEntitlementCache }));
