<?php
// SimpleSAMLphp 1.19 (Debian 12 package) as a loopback test IdP (from ../shared/infra/simplesamlphp). Env: IDP_DIR, IDP_PORT.
$dir = rtrim(getenv('IDP_DIR') ?: '/tmp/tsudoi-idp', '/');
$port = getenv('IDP_PORT') ?: '8089';
$config = [
    'baseurlpath' => "http://127.0.0.1:$port/",
    'certdir' => "$dir/cert/",
    'metadatadir' => dirname(__DIR__) . '/metadata/',
    'loggingdir' => "$dir/log/",
    'datadir' => "$dir/data/",
    'tempdir' => "$dir/tmp",
    'technicalcontact_name' => 'Test',
    'technicalcontact_email' => 'test@example.org',
    'secretsalt' => 'test-idp-not-a-secret-salt-0123456789',
    'auth.adminpassword' => 'admin123',
    'admin.protectindexpage' => false,
    'admin.protectmetadata' => false,
    'timezone' => 'UTC',
    'logging.level' => SimpleSAML\Logger::DEBUG,
    'logging.handler' => 'file',
    'logging.logfile' => 'simplesamlphp.log',
    'enable.saml20-idp' => true,
    'enable.shib13-idp' => false,
    'enable.http_post' => false,
    'module.enable' => [
        'core' => true,
        'saml' => true,
        'admin' => true,
        'exampleauth' => true,
    ],
    'session.cookie.secure' => false,
    'session.cookie.samesite' => null,
    'session.phpsession.cookiename' => 'TsudoiIdP' . $port,
    'session.authtoken.cookiename' => 'TsudoiIdPAuth' . $port,
    'session.phpsession.savepath' => "$dir/tmp",
    'store.type' => 'phpsession',
    'metadata.sources' => [
        ['type' => 'flatfile'],
    ],
    'language.default' => 'en',
    'theme.use' => 'default',
];
