<?php
// The service providers under test. Tests register them at run time (workspace ids are known only then):
// $IDP_DIR/sps.json = [{"entityId": "...", "acsUrl": "...", "certificate": "<base64 DER>"?}, ...]; read on
// every request. With a certificate, the SP's AuthnRequests must carry a valid signature by its key.
// Env SP_ENTITY_ID + SP_ACS_URL add one more (as in ../shared/infra/simplesamlphp).
$sps = [];
$file = rtrim(getenv('IDP_DIR') ?: '/tmp/tsudoi-idp', '/') . '/sps.json';
if (is_file($file)) {
    $sps = json_decode((string) file_get_contents($file), true) ?: [];
}
if (getenv('SP_ENTITY_ID') && getenv('SP_ACS_URL')) {
    $sps[] = ['entityId' => getenv('SP_ENTITY_ID'), 'acsUrl' => getenv('SP_ACS_URL')];
}
foreach ($sps as $sp) {
    $metadata[$sp['entityId']] = [
        'AssertionConsumerService' => $sp['acsUrl'],
        'NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        'simplesaml.nameidattribute' => 'email',
        'sign.response' => true,
        'sign.assertion' => true,
        'validate.authnrequest' => !empty($sp['certificate']),
    ];
    if (!empty($sp['certificate'])) {
        $metadata[$sp['entityId']]['certData'] = $sp['certificate'];
    }
}
