#!/bin/sh
# mfactl plan failed: reading live state: GetUserPoolMfaConfig pool eu-west-1_AbC123: AccessDeniedException: User is not authorized to perform: cognito-idp:GetUserPoolMfaConfig
exit 1
