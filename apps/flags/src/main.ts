import { runService } from '@tp/http';
import { flagsService } from './service';

void runService(flagsService);
