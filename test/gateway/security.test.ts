// security checks on Node, through app.request() (no port for the gateway; the fake agents listen on loopback).
import { securityChecks } from './checks/security.js';

securityChecks();
