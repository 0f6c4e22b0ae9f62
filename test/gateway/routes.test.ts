// routes checks on Node, through app.request() (no port for the gateway; the fake agents listen on loopback).
import { routeChecks } from './checks/routes.js';

routeChecks();
