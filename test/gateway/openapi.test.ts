// openapi checks on Node, through app.request() (no port for the gateway; the fake agents listen on loopback).
import { openapiChecks } from './checks/openapi.js';

openapiChecks();
